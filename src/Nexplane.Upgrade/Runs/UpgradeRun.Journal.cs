using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>The journal an upgrade starts, or the interrupted one it resumes.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>The steps an interrupted run completed; a resumed run skips them. Empty for a fresh upgrade.</summary>
    public IReadOnlySet<string> StepsDoneBeforeResuming { get; private set; } = new HashSet<string>();

    /// <summary>
    /// Starts the journal, refusing when an earlier upgrade of this deployment never finished: its state is unknown
    /// to a fresh run, so the operator chooses between resuming it and rolling it back. One of an earlier installation
    /// (another database cluster: reinstalled since) is set aside instead. A resumed one must match
    /// the deployment <paramref name="observed"/> now. Call it holding the lock.
    /// </summary>
    /// <param name="readOnly">
    /// A dry run: an unfinished journal of an earlier installation is only said to be set aside, and a resumed one is only
    /// read (nothing the dry run records reaches its file).
    /// </param>
    public void BeginJournal(JournalStore journals, string composeFile, bool resume, ObservedDeployment observed,
        string backendService, bool readOnly = false)
    {
        var unfinished = journals.Unfinished(composeFile);
        if (unfinished is not null && !resume && OfAnEarlierInstallation(unfinished, observed, backendService) is { } reinstalled)
        {
            output.Warning("The unfinished upgrade {Id} ({From} -> {To}, journal {File}) belongs to an earlier installation of this deployment " +
                           "({Reinstalled}); it is set aside as superseded{DryRun}, and this upgrade starts from the deployment as it is",
                unfinished.Id, unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.FilePath, reinstalled,
                readOnly ? " by the real upgrade (not by this dry run)" : "");
            if (!readOnly)
            {
                unfinished.Outcome = UpgradeOutcome.Superseded;
                unfinished.Save();
            }
            unfinished = null;
        }
        // A rollback that began may have restored the database or put files back: only finishing it is safe.
        if (unfinished is { RollbackBegan: true })
            throw new InvalidOperationException(
                $"The rollback of the earlier upgrade {unfinished.FromVersion ?? "?"} -> {unfinished.ToVersion ?? "?"} (journal {unfinished.FilePath}) " +
                $"began and never finished: the deployment may be partly rolled back. Nothing was changed now. Finish the rollback: {advice.Rollback}.");
        if (unfinished is not null && !resume)
            throw new InvalidOperationException(
                $"An earlier upgrade {unfinished.FromVersion ?? "?"} -> {unfinished.ToVersion ?? "?"} (journal {unfinished.FilePath}) stopped " +
                $"after {unfinished.LastCompletedStep ?? "no step"} and never finished. Nothing was changed now. Either roll it back: " +
                $"{advice.Rollback}, or continue it: {advice.Upgrade} " + (unfinished.ToVersion ?? "<version>") + $" {advice.ResumeOption}.");
        if (unfinished is null && resume)
            throw new InvalidOperationException(
                $"{advice.ResumeOption}: no unfinished upgrade of {composeFile} is recorded in {journals.Directory}; nothing to resume.");
        if (unfinished is not null)
            Reconcile(unfinished, observed, backendService, advice.ResumeOption, namedExplicitly: false, acceptDifferences: false);
        Journal = unfinished ?? NewJournal(journals, composeFile, observed);
        if (unfinished is not null)
        {
            // A dry run of the resumed upgrade tells what is done and leaves the journal as it was for the real --resume.
            unfinished.ReadOnly = readOnly;
            StepsDoneBeforeResuming = unfinished.CompletedSteps.Select(s => s.Name).ToHashSet();
            output.Information("Resuming upgrade {Id} ({From} -> {To}); done before: {Steps}", unfinished.Id, unfinished.FromVersion ?? "?",
                unfinished.ToVersion ?? "?", StepsDoneBeforeResuming.Count == 0 ? "nothing" : string.Join(", ", unfinished.CompletedSteps.Select(s => s.Name)));
        }
    }

    /// <summary>A new journal records the deployment it belongs to, as it is before anything changes.</summary>
    UpgradeJournal NewJournal(JournalStore journals, string composeFile, ObservedDeployment observed)
    {
        var journal = UpgradeJournal.Create(journals.Directory, Report.Id, composeFile, Record);
        journal.ComposeProject = observed.ComposeProject;
        journal.DatabaseIdentity = observed.Database;
        foreach (var (path, sha256) in observed.Files)
            if (sha256 is not null)
                journal.FilesAtPreflight[path] = sha256;
        journal.Save();
        return journal;
    }

    /// <summary>
    /// Why <paramref name="journal"/> describes an earlier installation: another database cluster (initdb ran again, a new
    /// volume). null when it may be this one's; a compose project alone can be a mistyped option, so it does not count.
    /// </summary>
    static string? OfAnEarlierInstallation(UpgradeJournal journal, ObservedDeployment observed, string backendService)
    {
        var reconciliation = DeploymentReconciliation.Compare(journal.RecordedState(backendService), observed);
        var reinstalled = reconciliation.Differences
            .Where(d => d.Fact is ReconciliationResult.ClusterFact).ToArray();
        return reinstalled.Length == 0 ? null : string.Join("; ", reinstalled.Select(d => d.ToString()));
    }
}
