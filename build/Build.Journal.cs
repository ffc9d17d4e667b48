using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Preflight;
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
    UpgradeJournal? Journal
    {
        get => Run.Journal;
        set => Run.Journal = value;
    }

    /// <summary>
    /// Takes the lock and starts the journal, refusing when an earlier upgrade of this deployment never finished:
    /// its state is unknown to a fresh run, so the operator chooses between --resume and Rollback.
    /// A resumed upgrade is first reconciled with the deployment as it is; a new journal records it.
    /// </summary>
    async Task BeginUpgradeJournalAsync(CancellationToken cancellationToken)
    {
        HeldLock = TakeLock(RedactedCommandLine, takeOverAbandoned: Resume);
        Run.BeginJournal(Journals, Deployment.ComposeFile, Resume, await Live.ObserveAsync(cancellationToken), Deployment.BackendService,
            readOnly: DryRun);
    }

    /// <summary>This run's command line as the lock names its owner, secrets masked.</summary>
    static string RedactedCommandLine => SecretRedactor.Redact(string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));

    /// <summary>
    /// The deployment's lock for this run. A lock left by a process that is provably gone is taken over by the commands
    /// that continue or undo its upgrade (<paramref name="takeOverAbandoned"/>); every refusal names the command that works.
    /// </summary>
    UpgradeLock TakeLock(string command, bool takeOverAbandoned)
    {
        var held = UpgradeLock.Acquire(UpgradeStateDirectory, Deployment.ComposeFile, command, RemoveStaleLock, Advice, takeOverAbandoned,
            Journals.Unfinished(Deployment.ComposeFile)?.ToVersion);
        if (held.Replaced is { } replaced)
            Log.Warning(replaced.State is LockHolderState.Gone
                    ? "Took over the upgrade lock {Path} left by {Owner}, which is no longer running"
                    : "Removed the upgrade lock {Path} left by {Owner} ({Flag})",
                replaced.Path, replaced.Owner is { } owner ? $"'{owner.Command}' (pid {owner.ProcessId} on {owner.Host}, started {owner.StartedAt:u})" : "an unreadable owner",
                ParameterFlag(nameof(RemoveStaleLock)));
        return held;
    }

    /// <summary>Printed as the skip reason of the steps a resumed upgrade does not repeat.</summary>
    bool NotDoneBeforeResuming(RunbookStep step) => !Run.StepsDoneBeforeResuming.Contains(step.ToString());

    bool ResumingAfterPreflight => Run.StepsDoneBeforeResuming.Contains(nameof(Preflight));

    /// <summary>
    /// A dry run of a resumed upgrade reads the interrupted journal (to tell what is done) and leaves it as it was: it
    /// records no step and no outcome in it, so the real --resume still continues it.
    /// </summary>
    bool JournalOnlyRead => DryRun && Resume;

    /// <summary>Backup is recorded by the run once its archive is verified (beside Pull), not when the step returns.</summary>
    protected override void OnTargetSucceeded(string target)
    {
        if (Journal is not null && !JournalOnlyRead && target is not (nameof(Upgrade) or nameof(Backup)))
            Journal.MarkCompleted(target);
    }

    /// <summary>
    /// The operator's terminal went away (the engine goes on and says so in the log): the journal records it, so Status
    /// and whoever reads the journal know the run went on unwatched. A dry run's journal is only read, and stays so.
    /// </summary>
    protected override void OnTerminalHungUp()
    {
        if (!JournalOnlyRead)
            Run.NoteTerminalHungUp(new TerminalHangUp(DateTimeOffset.UtcNow, RunLogFile));
    }

    /// <summary>Records the outcome and lets the next upgrade in. Called when the build finishes, however it ends.</summary>
    void EndUpgradeJournal()
    {
        // A backup still being checked (the run ended in Pull) ends first; this never throws.
        Run.SettleBackupBeingVerifiedAsync().GetAwaiter().GetResult();
        if (!JournalOnlyRead)
            Run.EndJournal(RunEnd.Outcome);
        HeldLock?.Dispose();
        HeldLock = null;
    }
}
