namespace Nuke.Common;

/// <summary>
/// Where a run hears that its terminal went away (SIGHUP: an SSH connection dropped, a terminal window closed). Not in
/// NUKE. The default one is wired to SIGHUP; tests raise their own. A hang-up does not stop the build: it goes on to
/// its end, writing to its log file only, because a runbook left half-done by a dropped connection is worse than one
/// that finishes unwatched.
/// </summary>
public sealed class HangUpSignal
{
    private readonly Lock _gate = new();
    private Action? _handler;

    /// <summary>Tells the running build that its terminal is gone. Returns false when nothing handled it.</summary>
    public bool Raise()
    {
        Action? handler;
        lock (_gate)
            handler = _handler;
        handler?.Invoke();
        return handler is not null;
    }

    internal IDisposable Attach(Action handler)
    {
        lock (_gate)
            _handler = handler;
        return new Detacher(this, handler);
    }

    private sealed class Detacher(HangUpSignal signal, Action handler) : IDisposable
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
