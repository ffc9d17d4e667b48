using System.Runtime.InteropServices;

namespace Nexplane.Sandbox;

/// <summary>
/// Turns SIGTERM/SIGINT into a cancellation so long-running roles stop at once and exit 0, like uvicorn and the
/// real worker do (and unlike a shell as PID 1, which is the pitfall the sandbox lets people rehearse).
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    readonly CancellationTokenSource cancellation = new();
    readonly PosixSignalRegistration[] registrations;

    public ShutdownSignal()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
        ];
    }

    public CancellationToken Token => cancellation.Token;

    public string? ReceivedSignal { get; private set; }

    void Handle(PosixSignalContext context)
    {
        // Keep the process alive so the role can log and exit 0 itself.
        context.Cancel = true;
        ReceivedSignal ??= context.Signal.ToString();
        cancellation.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
            registration.Dispose();
        cancellation.Dispose();
    }
}
