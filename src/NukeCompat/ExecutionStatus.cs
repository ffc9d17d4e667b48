namespace Nuke.Common;

/// <summary>The state of a target during and after a run.</summary>
public enum ExecutionStatus
{
    None,
    Scheduled,
    Running,
    Succeeded,
    Failed,
    Skipped,

    /// <summary>The target has no actions; it only groups other targets.</summary>
    Collective,

    /// <summary>The target was still scheduled when the build stopped.</summary>
    NotRun,

    /// <summary>The target was running when the build was cancelled or crashed.</summary>
    Aborted,
}
