namespace Nexplane.Upgrade.Backend;

/// <summary>
/// The backend's own lines during its start-up and migrations, relayed to the operator as the runbook's "watch the
/// logs" would show them: redacted, prefixed <c>backend |</c>, and rate-limited by the lines' own timestamps, so a
/// chatty backend cannot flood the output. Within any second, the first <see cref="LinesPerSecond"/> lines pass;
/// the rest are counted and said in one line when the next second's first line passes, or at the end. Every line is
/// in the output file either way.
/// </summary>
public sealed class BackendLineRelay(Action<string> log, Func<string, string> redact, string outputFile)
{
    public const int LinesPerSecond = 10;

    DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    int _shownInWindow;
    int _held;

    public void Relay(DateTimeOffset at, string line)
    {
        // A line stamped before the window (another clock, a resumed read) opens a new one rather than holding it open.
        if (at - _windowStart >= TimeSpan.FromSeconds(1) || at < _windowStart)
        {
            _windowStart = at;
            _shownInWindow = 0;
            SayHeld();
        }
        if (_shownInWindow >= LinesPerSecond)
        {
            _held++;
            return;
        }
        _shownInWindow++;
        log($"backend | {redact(line)}");
    }

    /// <summary>Says how many lines were held back since the last line shown; call it when the watch ends.</summary>
    public void End() => SayHeld();

    void SayHeld()
    {
        if (_held == 0)
            return;
        log($"backend | ... {_held} more line(s) in that second, not shown here (every line is in {outputFile})");
        _held = 0;
    }
}
