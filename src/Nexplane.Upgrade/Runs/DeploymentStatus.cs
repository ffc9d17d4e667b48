using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Runs;

/// <summary>What an operator asks first at 3 a.m.: the running version, an unfinished upgrade, the latest backups. Read-only.</summary>
public sealed class DeploymentStatus(IRunOutput output, OperatorAdvice advice)
{
    /// <summary>Never fails because the deployment is down: what cannot be read is said.</summary>
    /// <param name="deploymentLock">The deployment's upgrade lock as it is now (<see cref="UpgradeLock.Inspect"/>); null when none is held.</param>
    public async Task ShowAsync(Deployment deployment, JournalStore journals, string backupDirectory, IDeploymentObserver observer,
        LockInspection? deploymentLock, CancellationToken cancellationToken)
    {
        // One look at the deployment serves the version line and the reconciliation of the journal shown.
        var observed = await observer.ObserveAsync(cancellationToken);
        if (observed.RunningVersion is { } version)
        {
            output.Information("Running version: {Version} ({Source})", version, observed.RunningVersionSource);
            output.Summary("Version", version);
        }
        else
            output.Warning("{Problem}", observed.RunningVersionSource);

        var unfinished = journals.Unfinished(deployment.ComposeFile);
        var latest = unfinished is null ? journals.LatestThatChangedSomething(deployment.ComposeFile) : null;
        var running = deploymentLock is { State: LockHolderState.Running, Owner: { } owner } ? owner : null;
        if (running is not null)
            output.Information("Running now: '{Command}' by {User} (pid {Pid} on {Host}, started {Started:u}), holding the lock {Lock}. " +
                               $"Run {advice.Status} again to see how it ends",
                running.Command, running.User, running.ProcessId, running.Host, running.StartedAt, deploymentLock!.Path);
        if (unfinished is not null && running is not null)
            output.Information("Upgrade {From} -> {To} in progress since {Started:u}; done so far: {Step} (journal {File})",
                unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.StartedAt, unfinished.LastCompletedStep ?? "no step",
                unfinished.FilePath);
        else if (unfinished is not null && deploymentLock is { State: LockHolderState.OnAnotherHost or LockHolderState.Unreadable })
            output.Warning("Unfinished upgrade {From} -> {To} started {Started:u}, stopped after {Step} (journal {File}); its lock {Lock} cannot be " +
                           "checked from this host. Once its run is gone, roll it back with " +
                           $"{advice.Rollback} {advice.Flag(Setting.RemoveStaleLock)}, or continue with {advice.Upgrade} {{To}} {advice.ResumeOption} {advice.Flag(Setting.RemoveStaleLock)}.",
                unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.StartedAt, unfinished.LastCompletedStep ?? "no step",
                unfinished.FilePath, deploymentLock.Path, unfinished.ToVersion ?? "?");
        else if (unfinished is { RollbackBegan: true })
            output.Warning("Unfinished upgrade {From} -> {To} started {Started:u}: its rollback began and did not finish (journal {File}); " +
                           $"the deployment may be partly rolled back. Finish the rollback with {advice.Rollback}.",
                unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.StartedAt, unfinished.FilePath);
        else if (unfinished is not null)
            output.Warning("Unfinished upgrade {From} -> {To} started {Started:u}, stopped after {Step} (journal {File}). " +
                           $"Roll it back with {advice.Rollback}, or continue with {advice.Upgrade} {{To}} {advice.ResumeOption}.",
                unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.StartedAt, unfinished.LastCompletedStep ?? "no step",
                unfinished.FilePath, unfinished.ToVersion ?? "?");
        else if (latest is not null)
            output.Information("Last upgrade: {From} -> {To} started {Started:u}: {Outcome}",
                latest.FromVersion ?? "?", latest.ToVersion ?? "?", latest.StartedAt, latest.Outcome?.ToText() ?? "unfinished");
        else
            output.Information("No upgrade of {ComposeFile} recorded in {Directory}", deployment.ComposeFile, journals.Directory);

        if ((unfinished ?? latest)?.TerminalHungUp is { } hangUp)
            output.Information("Its terminal went away at {HungUpAt:u}; the run went on without it{Log}", hangUp.At,
                hangUp.LogFile is null ? "" : $", writing to {hangUp.LogFile}");

        // A deployment in the middle of its upgrade differs from every record of it: nothing to reconcile yet.
        if ((unfinished ?? latest) is { } shown && !(running is not null && shown == unfinished))
            ShowReconciliation(shown, observed, deployment.BackendService);

        var backups = new BackupFiles(backupDirectory).List();
        var live = observed.Database;
        if (backups.Count == 0)
            output.Information("No backups in {Directory}", backupDirectory);
        foreach (var (archive, manifest, takenAt) in backups.Take(5))
            output.Information("Backup {TakenAt:u}  {Version,-8} {State,-10} {Archive}{Other}", takenAt, manifest?.NexplaneVersion ?? "?",
                manifest is { Verified: true } ? "verified" : "UNVERIFIED", archive,
                live is not null && manifest?.DatabaseIdentity?.DifferenceFrom(live) is not null ? "  (of another database: an earlier installation, or replaced since)" : "");
    }

    /// <summary>Says whether the journal shown still describes the deployment, and if not, how it differs.</summary>
    void ShowReconciliation(UpgradeJournal journal, ObservedDeployment observed, string backendService)
    {
        var reconciliation = DeploymentReconciliation.Compare(journal.RecordedState(backendService), observed);
        if (reconciliation.Matches)
        {
            output.Information("The deployment is what {Record} left ({State})", reconciliation.Recorded.Record, reconciliation.Recorded.State);
            return;
        }
        output.Warning("The journal of {Record} no longer matches the deployment: {Summary}. {Rollback} and {Resume} refuse to act on it",
            reconciliation.Recorded.Record, reconciliation.Summary(), advice.Rollback, advice.ResumeOption);
        foreach (var difference in reconciliation.Differences)
            output.Warning("  {Difference}", difference.ToString());
        output.Summary("Journal", reconciliation.Summary());
    }
}
