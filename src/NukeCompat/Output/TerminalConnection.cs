namespace Nuke.Common.Output;

/// <summary>
/// Whether the terminal is still there. It goes away once, for good: on SIGHUP, or when a write to it fails (a
/// hung-up terminal answers EIO). From then on nothing is written to it; the log files go on.
/// </summary>
internal sealed class TerminalConnection
{
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _onLost = [];
    private string? _lostHow;

    public bool IsGone
    {
        get
        {
            lock (_gate)
                return _lostHow is not null;
        }
    }

    /// <summary>
    /// Calls <paramref name="handler"/> once when the terminal goes away, with how it was noticed; at once when it is
    /// gone already (a hang-up before the log existed is still said, once there is one).
    /// </summary>
    public void OnLost(Action<string> handler)
    {
        string? how;
        lock (_gate)
        {
            how = _lostHow;
            if (how is null)
                _onLost.Add(handler);
        }
        if (how is not null)
            handler(how);
    }

    /// <summary>Marks the terminal gone; true the first time, when the handlers are called.</summary>
    public bool HangUp(string how)
    {
        Action<string>[] handlers;
        lock (_gate)
        {
            if (_lostHow is not null)
                return false;
            _lostHow = how;
            handlers = [.. _onLost];
        }
        foreach (var handler in handlers)
            handler(how);
        return true;
    }
}
