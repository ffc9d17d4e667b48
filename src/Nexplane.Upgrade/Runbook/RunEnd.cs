namespace Nexplane.Upgrade.Runbook;

/// <summary>Where a target of the run stands, as the build engine reports it.</summary>
public enum TargetState
{
    /// <summary>Not run (yet), skipped, or a collective target: it did nothing.</summary>
    NotRun,
    Succeeded,
    Failed,
    /// <summary>Stopped by Ctrl+C, or cut short by another target's failure while it ran.</summary>
    Aborted,
}

/// <summary>
/// The end-of-run rules, decided in one place from the targets' states (in plan order) and the steps the journal
/// records: whether the rollback must run, whether the downtime began, which step failed, which steps this run began,
/// and how the upgrade ended. Pure, so each rule is a unit test; the build only reports the states.
/// </summary>
/// <param name="Plan">Each planned target's name and state, in plan order.</param>
/// <param name="JournalCompleted">The steps the journal of this run's upgrade records as completed (an interrupted run's too).</param>
/// <param name="RollbackInvoked">Rollback was asked for on the command line.</param>
/// <param name="DryRun">A dry run changes nothing, so nothing is ever rolled back.</param>
public sealed record RunEnd(IReadOnlyList<(string Name, TargetState State)> Plan, IReadOnlyCollection<string> JournalCompleted, bool RollbackInvoked,
    bool DryRun)
{
    const string RollbackTarget = "Rollback";

    TargetState StateOf(string name) => Plan.FirstOrDefault(target => target.Name == name).State;

    static bool FailedOrAborted(TargetState state) => state is TargetState.Failed or TargetState.Aborted;

    /// <summary>A step past the point of no return failed or was cut short: the deployment may be half-upgraded.</summary>
    public bool FailedPastPointOfNoReturn => RunbookTable.PastPointOfNoReturn.Any(step => FailedOrAborted(StateOf(step.ToString())));

    /// <summary>The rollback runs when it was asked for, or when a step past the point of no return failed; never in a dry run.</summary>
    public bool RollbackNeeded => !DryRun && (RollbackInvoked || FailedPastPointOfNoReturn);

    /// <summary>The downtime began: Stop ran in this run (whatever its end), or the journal records it (an interrupted run's).</summary>
    public bool StopBegan => JournalCompleted.Contains(nameof(RunbookStep.Stop)) || StateOf(nameof(RunbookStep.Stop)) is not TargetState.NotRun;

    /// <summary>The first runbook step, in plan order, that failed or was cut short; null when none did.</summary>
    public string? FailedStep => Plan.FirstOrDefault(target => FailedOrAborted(target.State) && RunbookTable.Named([target.Name]).Count > 0).Name;

    /// <summary>The runbook steps this run began (succeeded, failed or cut short): what its own rollback must undo.</summary>
    public IReadOnlyList<RunbookStep> StartedSteps =>
        RunbookTable.Named(Plan.Where(target => target.State is not TargetState.NotRun).Select(target => target.Name));

    public bool VerifySucceeded => StateOf(nameof(RunbookStep.Verify)) == TargetState.Succeeded;

    public bool RollbackSucceeded => StateOf(RollbackTarget) == TargetState.Succeeded;

    /// <summary>
    /// How the upgrade ended, for the journal: rolled back when the rollback passed (even after a passed Verify);
    /// succeeded when Verify passed (agents are upgraded afterwards and never roll the control plane back); nothing
    /// changed when the run ended before Stop; otherwise unfinished (null), so the next run refuses to start over.
    /// </summary>
    public UpgradeOutcome? Outcome =>
        RollbackSucceeded ? UpgradeOutcome.RolledBack
        : VerifySucceeded ? UpgradeOutcome.Succeeded
        : !StopBegan ? UpgradeOutcome.NothingChanged
        : null;
}
