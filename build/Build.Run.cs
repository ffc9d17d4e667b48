using Nexplane.Upgrade.Runs;
using Nuke.Common;
using Serilog;

/// <summary>The run object every target calls: it holds the run's journal, report and findings.</summary>
partial class Build
{
    /// <summary>Created with the build, so the report's id and start time are the run's, as before any target.</summary>
    readonly UpgradeRun Run;

    public Build() => Run = new UpgradeRun(new BuildOutput(this));

    /// <summary>Relays one line of a tool's output to the log.</summary>
    static void LogLine(string line) => Log.Information("{Line}", line);

    /// <summary>The run speaks through Serilog, with the templates and values it passes, and the summary table.</summary>
    sealed class BuildOutput(NukeBuild build) : IRunOutput
    {
        public void Information(string template, params object?[] values) => Log.Information(template, values);

        public void Warning(string template, params object?[] values) => Log.Warning(template, values);

        public void Error(string template, params object?[] values) => Log.Error(template, values);

        public void Summary(string key, string value) => build.ReportSummary(summary => summary[key] = value);
    }
}
