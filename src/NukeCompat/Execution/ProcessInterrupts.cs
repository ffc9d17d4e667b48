using System.Runtime.InteropServices;

namespace Nuke.Common.Execution;

/// <summary>
/// Routes SIGINT (Ctrl+C) and SIGTERM to an <see cref="InterruptSignal"/> and keeps the process alive while the
/// build winds down (assured targets, summary). An unhandled signal falls back to the runtime's default: exit.
/// </summary>
internal sealed class ProcessInterrupts : IDisposable
{
    private readonly List<IDisposable> _registrations = [];

    private ProcessInterrupts(InterruptSignal signal)
    {
        Signal = signal;
        foreach (var posixSignal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(posixSignal, context => context.Cancel = signal.Raise()));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGTERM does not exist everywhere; Ctrl+C still works through SIGINT.
            }
        }
    }

    public InterruptSignal Signal { get; }

    public static ProcessInterrupts Register() => new(new InterruptSignal());

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
