using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Rollback;
using Nuke.Common;
using Serilog;

partial class Build
{
    [Parameter("Continue an interrupted upgrade from its last completed step")]
    readonly bool Resume;

    [Parameter("Journal id of the upgrade to roll back (default: the unfinished one, else the last one that got past Preflight)")]
    readonly string? UpgradeId;

    [Parameter("Roll back the upgrade named by --upgrade-id even though the deployment no longer is what its journal says (the differences are printed first)")]
    readonly bool AcceptDifferences;

    /// <summary>The end-of-run rules (<see cref="Nexplane.Upgrade.Runbook.RunEnd"/>) over the targets' states now and the journal.</summary>
    RunEnd RunEnd => new(
        ExecutionPlan.Select(target => (target.Name, target.Status switch
        {
            ExecutionStatus.Succeeded => TargetState.Succeeded,
            ExecutionStatus.Failed => TargetState.Failed,
            ExecutionStatus.Aborted => TargetState.Aborted,
            _ => TargetState.NotRun,
        })).ToArray(),
        Journal?.CompletedSteps.Select(step => step.Name).ToArray() ?? [],
        RollbackInvoked: InvokedTargets.Contains(Rollback),
        DryRun);

    /// <summary>Printed as the skip reason, so it reads as the rule it is.</summary>
    bool RollbackNeeded => RunEnd.RollbackNeeded;

    /// <summary>
    /// NUKE's rollback pattern: planned with the upgrade steps, assured to run after a failure (and after Ctrl+C),
    /// and skipped unless a step past the point of no return failed, or it was invoked directly. It undoes exactly
    /// what the journal says was done, in reverse, and ends on the previous version verified healthy, or says
    /// plainly that a human is needed and what to run next.
    /// </summary>
    Target Rollback => _ => _
        .Description("Undoes an upgrade from its journal: old images, restored database, old version verified")
        .TriggeredBy(RunbookTable.PastPointOfNoReturnAs(TargetOf))
        .AssuredAfterFailure()
        .OnlyWhenDynamic(() => RollbackNeeded)
        // A skipped rollback must not take the outcome notice it triggers down with it (NUKE skips a skipped target's triggers).
        .WhenSkipped(DependencyBehavior.Execute)
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(ResolveDeploymentAlone)
        .Executes(async cancellationToken =>
        {
            var upgradeRanInThisRun = Journal is not null;
            if (!upgradeRanInThisRun)
                HeldLock ??= TakeLock(Advice.Rollback, takeOverAbandoned: true);
            var journal = Run.ChooseJournalToRollBack(Journals, Deployment.ComposeFile, UpgradeId);
            // A journal written by an earlier run describes the past: the deployment must still be what it left.
            if (!upgradeRanInThisRun)
            {
                try
                {
                    Run.Reconcile(journal, await Live.ObserveAsync(cancellationToken), Deployment.BackendService, nameof(Rollback),
                        namedExplicitly: UpgradeId is not null, AcceptDifferences);
                }
                catch (DeploymentChangedException)
                {
                    // Refused with nothing changed: the journal stays exactly as it was, unfinished if it was.
                    Journal = null;
                    throw;
                }
            }
            var stepsStartedInThisRun = upgradeRanInThisRun ? RunEnd.StartedSteps : null;
            await Run.RollBackAsync(stepsStartedInThisRun, RollbackSettings, Live, cancellationToken);
        });

    RollbackSettings RollbackSettings => new(ProtectedServices, FrontendService, Advice, Releases.IssueTracker, AgentHostsFileInUse);
}
