using System.Reflection;
using Nexplane.Upgrade;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Runs;
using Nuke.Common;
using Serilog;
using Nexplane.Upgrade.Operator;

/// <summary>The run object every target calls: it holds the run's journal, report and findings.</summary>
partial class Build
{
    /// <summary>Created with the build, so the report's id and start time are the run's, as before any target.</summary>
    readonly UpgradeRun Run;

    /// <summary>How every message names this build's flags and commands; the one value, handed to whatever gives advice.</summary>
    readonly OperatorAdvice Advice = AdviceSpelledAsThisBuild();

    [Parameter("How often progress is logged when no live display can be drawn (CI, a pipe, a file), e.g. 10s")]
    readonly TimeSpan ProgressInterval = PlainProgressDisplay.DefaultInterval;

    public Build()
    {
        Run = new UpgradeRun(new BuildOutput(this), Advice);
    }

    /// <summary>
    /// The messages in src name settings (<see cref="Setting"/>); they are spelled as this build's parameters, and a
    /// setting that names no parameter (one renamed here) fails every run at once instead of misleading an operator.
    /// </summary>
    static OperatorAdvice AdviceSpelledAsThisBuild()
    {
        var parameters = typeof(Build).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Where(field => field.IsDefined(typeof(ParameterAttribute))).Select(field => field.Name).ToHashSet();
        if (Enum.GetNames<Setting>().Where(setting => !parameters.Contains(setting)).ToArray() is { Length: > 0 } unknown)
            throw new InvalidOperationException($"Messages name settings that are no parameter of this build: {string.Join(", ", unknown)}.");
        return new OperatorAdvice(ParameterFlag, "./build.sh");
    }

    /// <summary>The parameters are set by now: the run learns the version asked for.</summary>
    protected override void OnBuildInitialized()
    {
        LogWhoRanWhat();
        Run.RequestedVersion = Version;
        Run.RequestedStops = Via;
    }

    /// <summary>Relays one line of a tool's output to the log.</summary>
    static void LogLine(string line) => Log.Information("{Line}", line);

    /// <summary>The run speaks through Serilog, with the templates and values it passes, and the summary table.</summary>
    sealed class BuildOutput(Build build) : IRunOutput
    {
        public void Information(string template, params object?[] values) => Log.Information(template, values);

        public void Warning(string template, params object?[] values) => Log.Warning(template, values);

        public void Error(string template, params object?[] values) => Log.Error(template, values);

        public void Summary(string key, string value) => build.ReportSummary(summary => summary[key] = value);

        /// <summary>A live display on an interactive terminal; plain timestamped log lines anywhere else (CI, a pipe, a file).</summary>
        public IProgressDisplay Progress => _progress ??= NukeBuild.LiveConsole is { } console
            ? new LiveProgressDisplay(console, SecretRedactor.Redact)
            : new PlainProgressDisplay(line => Log.Information("{Progress}", line), build.ProgressInterval);

        IProgressDisplay? _progress;
    }
}
