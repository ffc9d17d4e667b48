using Nuke.Common.Execution;

namespace Nuke.Common;

public abstract partial class NukeBuild
{
    internal BuildSession? Session { get; set; }

    private IReadOnlyList<ExecutableTarget> Plan => Session?.Plan ?? [];

    public TargetCollection ExecutionPlan => new(Plan);
    public TargetCollection InvokedTargets => With(x => x.Invoked);
    public TargetCollection SkippedTargets => With(x => x.Status == ExecutionStatus.Skipped);
    public TargetCollection ScheduledTargets => With(x => x.Status == ExecutionStatus.Scheduled);
    public TargetCollection RunningTargets => With(x => x.Status == ExecutionStatus.Running);
    public TargetCollection AbortedTargets => With(x => x.Status == ExecutionStatus.Aborted);
    public TargetCollection FailedTargets => With(x => x.Status == ExecutionStatus.Failed);
    public TargetCollection SucceededTargets => With(x => x.Status == ExecutionStatus.Succeeded);
    public TargetCollection FinishedTargets => With(x => x.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed);

    /// <summary>Some planned target failed, was aborted, or did not run because the build stopped.</summary>
    public bool IsFailing => Plan.Any(x => x.Status is ExecutionStatus.Failed or ExecutionStatus.Aborted or ExecutionStatus.NotRun);

    public bool IsSucceeding => !IsFailing;

    public bool IsFinished => !Plan.Any(x => x.Status is ExecutionStatus.Scheduled or ExecutionStatus.Running);

    /// <summary>When set, the process exits with this code whatever the outcome.</summary>
    public int? ExitCode { get; set; }

    /// <summary>
    /// Where each parameter that has a value got it: "the command line", "environment variable NAME" or "parameter
    /// file PATH" (not in NUKE). Environment variables match parameters by name, so a build can say when an unrelated
    /// variable (a CI's VERSION) set one of its parameters. Parameters left at their initializer are absent.
    /// </summary>
    public string? ParameterOrigin(string name) => ParameterOrigins.GetValueOrDefault(name);

    internal Dictionary<string, string> ParameterOrigins { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Cancelled by Ctrl+C or SIGTERM. While the targets that are assured after failure run, it is a fresh token,
    /// so a rollback can finish its work; a second Ctrl+C cancels that one too.
    /// </summary>
    public CancellationToken CancellationToken => Session?.Cancellation.Token ?? CancellationToken.None;

    /// <summary>Adds pairs to the running target's line in the summary table, e.g. <c>// Version: 0.3.0</c>.</summary>
    public void ReportSummary(Action<IDictionary<string, string>> configurator)
    {
        var running = Session?.RunningTarget
            ?? throw new InvalidOperationException("ReportSummary can only be called while a target runs");
        lock (running.Summary)
            configurator(running.Summary);
    }

    private TargetCollection With(Func<ExecutableTarget, bool> predicate) => new(Plan.Where(predicate));
}
