using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Runs;

/// <summary>What an operator asks first at 3 a.m.: the running version, an unfinished upgrade, the latest backups. Read-only.</summary>
public sealed class DeploymentStatus(IRunOutput output, OperatorAdvice advice)
{
    /// <summary>Never fails because the deployment is down: what cannot be read is said.</summary>
    public async Task ShowAsync(Deployment deployment, JournalStore journals, string backupDirectory, IDeploymentObserver observer,
        CancellationToken cancellationToken)
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
        if (unfinished is not null)
            output.Warning("Unfinished upgrade {From} -> {To} started {Started:u}, stopped after {Step} (journal {File}). " +
                           $"Roll it back with {advice.Rollback}, or continue with {advice.Upgrade} {{To}} {advice.ResumeOption}.",
                unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.StartedAt, unfinished.LastCompletedStep ?? "no step",
                unfinished.FilePath, unfinished.ToVersion ?? "?");
        else if (latest is not null)
            output.Information("Last upgrade: {From} -> {To} started {Started:u}: {Outcome}",
                latest.FromVersion ?? "?", latest.ToVersion ?? "?", latest.StartedAt, latest.Outcome?.ToText() ?? "unfinished");
        else
            output.Information("No upgrade of {ComposeFile} recorded in {Directory}", deployment.ComposeFile, journals.Directory);

        if ((unfinished ?? latest) is { } shown)
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
