using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Operator;

/// <summary>
/// Where a run speaks: the build's log (message templates with their values, so every line reads as before) and the
/// summary table's line of the running step.
/// </summary>
public interface IRunOutput
{
    void Information(string template, params object?[] values);

    void Warning(string template, params object?[] values);

    void Error(string template, params object?[] values);

    /// <summary>A pair on the running step's line of the summary table, e.g. Outcome: rolled back.</summary>
    void Summary(string key, string value);

    /// <summary>Where long work (pulls, backup, restore, migrations, agent waves) shows how far it got.</summary>
    IProgressDisplay Progress => NoProgress.Instance;

    /// <summary>One line of a tool's or a service's output, relayed as it is.</summary>
    void Line(string line) => Information("{Line}", line);
}
