using Nexplane.Upgrade.Journal;
using Nuke.Common;
using Serilog;

/// <summary>
/// Crash safety: one upgrade at a time (a lock), and a journal of what the upgrade has done, saved after every
/// step, so that an interrupted run is never silently repeated or forgotten.
/// </summary>
partial class Build
{
    [Parameter("Remove an upgrade lock left by a process that no longer runs")]
    readonly bool RemoveStaleLock;

    JournalStore Journals => new(UpgradeStateDirectory);

    UpgradeLock? HeldLock;

    /// <summary>The journal of the upgrade this run performs (or resumes); null before Preflight starts one.</summary>
    UpgradeJournal? Journal;

    /// <summary>
    /// Takes the lock and starts the journal, refusing when an earlier upgrade of this deployment never finished:
    /// its state is unknown to a fresh run, so the operator chooses between --resume and Rollback.
    /// </summary>
    void BeginUpgradeJournal()
    {
        HeldLock = UpgradeLock.Acquire(UpgradeStateDirectory, ComposeFilePath, string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), RemoveStaleLock);
        var unfinished = Journals.Unfinished(ComposeFilePath);
        if (unfinished is not null && !Resume)
            throw new InvalidOperationException(
                $"An earlier upgrade {unfinished.FromVersion ?? "?"} -> {unfinished.ToVersion ?? "?"} (journal {unfinished.FilePath}) stopped " +
                $"after {unfinished.LastCompletedStep ?? "no step"} and never finished. Nothing was changed now. Either roll it back: " +
                "./build.sh Rollback, or continue it: ./build.sh Upgrade --version " + (unfinished.ToVersion ?? "<version>") + " --resume.");
        Journal = unfinished ?? UpgradeJournal.Create(UpgradeStateDirectory, Report.Id, ComposeFilePath);
        if (unfinished is not null)
            Log.Information("Resuming upgrade {Id}: completed so far {Steps}", unfinished.Id, string.Join(", ", unfinished.CompletedSteps.Select(s => s.Name)));
    }

    protected override void OnTargetSucceeded(string target)
    {
        if (Journal is not null && target != nameof(Upgrade))
            Journal.MarkCompleted(target);
    }

    /// <summary>Records the outcome and lets the next upgrade in. Called when the build finishes, however it ends.</summary>
    void EndUpgradeJournal()
    {
        if (Journal is not null && Journal.Outcome is null)
        {
            // Finished means: the control plane is healthy on the new version (Verify passed; agents are upgraded
            // host by host afterwards and never roll the control plane back) or back on the old one (Rollback
            // passed). Anything else stays unfinished, so the next run refuses to start over.
            if (SucceededTargets.Contains(Rollback))
                Journal.Outcome = "rolled-back";
            else if (SucceededTargets.Contains(Verify))
                Journal.Outcome = "succeeded";
            else if (!Journal.HasCompleted(nameof(Stop)) && !FailedTargets.Contains(Stop) && !AbortedTargets.Contains(Stop))
                Journal.Outcome = "nothing-changed";
            Journal.Save();
        }
        HeldLock?.Dispose();
        HeldLock = null;
    }
}
