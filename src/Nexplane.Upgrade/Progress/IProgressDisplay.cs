namespace Nexplane.Upgrade.Progress;

/// <summary>What a progress line counts, which decides how its amount and rate read.</summary>
public enum ProgressUnit
{
    /// <summary>Nothing to count: the line shows how long the work has been running (a migration), and its share once it has a total.</summary>
    Elapsed,
    Bytes,
    Rows,
    Hosts,
}

/// <summary>
/// Where long work shows how far it got: image pulls, the backup, the restore, the running migration, the agent
/// waves. On a terminal that is a live display; anywhere else (CI, a pipe, a file) plain timestamped log lines.
/// </summary>
public interface IProgressDisplay
{
    /// <summary>A new line, shown until it is disposed. <paramref name="total"/> null: the end is not known in advance.</summary>
    IProgressLine Start(string label, ProgressUnit unit, double? total = null);
}

/// <summary>One piece of work in progress. Safe to report from any thread.</summary>
public interface IProgressLine : IDisposable
{
    /// <summary>How much is done so far, in the line's unit (never a delta).</summary>
    void Report(double done);

    /// <summary>The end, once it becomes known (a pull learns its layers' sizes as it goes).</summary>
    void SetTotal(double total);

    /// <summary>Renames the line, e.g. when a wave of agent hosts gives way to the next.</summary>
    void Relabel(string label);
}

/// <summary>Shows nothing: for callers that have nowhere to show progress (tests, library use).</summary>
public sealed class NoProgress : IProgressDisplay, IProgressLine
{
    public static NoProgress Instance { get; } = new();

    public IProgressLine Start(string label, ProgressUnit unit, double? total = null) => this;

    public void Report(double done)
    {
    }

    public void SetTotal(double total)
    {
    }

    public void Relabel(string label)
    {
    }

    public void Dispose()
    {
    }
}
