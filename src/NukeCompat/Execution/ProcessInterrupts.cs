using System.Runtime.InteropServices;

namespace Nuke.Common.Execution;

/// <summary>
/// Routes SIGINT (Ctrl+C) and SIGTERM to an <see cref="InterruptSignal"/> and keeps the process alive while the
/// build winds down (assured targets, summary); routes SIGHUP to a <see cref="HangUpSignal"/>, which the build
/// outlives. An unhandled signal falls back to the runtime's default: exit.
/// </summary>
internal sealed class ProcessInterrupts : IDisposable
{
    private readonly List<IDisposable> _registrations = [];

    private ProcessInterrupts(InterruptSignal signal, HangUpSignal hangUps)
    {
        Signal = signal;
        HangUps = hangUps;
        foreach (var posixSignal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            TryRegister(posixSignal, context => context.Cancel = signal.Raise());
        TryRegister(PosixSignal.SIGHUP, context => context.Cancel = hangUps.Raise());
    }

    public InterruptSignal Signal { get; }

    public HangUpSignal HangUps { get; }

    public static ProcessInterrupts Register() => new(new InterruptSignal(), new HangUpSignal());

    private void TryRegister(PosixSignal posixSignal, Action<PosixSignalContext> handler)
    {
        try
        {
            _registrations.Add(PosixSignalRegistration.Create(posixSignal, handler));
        }
        catch (PlatformNotSupportedException)
        {
            // SIGTERM and SIGHUP do not exist everywhere; Ctrl+C still works through SIGINT.
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
