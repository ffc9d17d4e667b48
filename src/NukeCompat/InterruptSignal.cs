namespace Nuke.Common;

/// <summary>
/// Where a run hears Ctrl+C. The default one is wired to SIGINT and SIGTERM; tests raise their own.
/// The first interrupt cancels the build (the running target is asked to stop, then the targets that are assured
/// after failure run); the second also cancels those; a third is left to the runtime, which ends the process.
/// </summary>
public sealed class InterruptSignal
{
    private readonly Lock _gate = new();
    private Func<bool>? _handler;

    /// <summary>Interrupts the running build. Returns false when nothing handled it.</summary>
    public bool Raise()
    {
        Func<bool>? handler;
        lock (_gate)
            handler = _handler;
        return handler?.Invoke() ?? false;
    }

    internal IDisposable Attach(Func<bool> handler)
    {
        lock (_gate)
            _handler = handler;
        return new Detacher(this, handler);
    }

    private sealed class Detacher(InterruptSignal signal, Func<bool> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (signal._gate)
            {
                if (signal._handler == handler)
                    signal._handler = null;
            }
        }
    }
}
