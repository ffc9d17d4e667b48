
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>
/// What a rollback must undo, derived from what the upgrade got to do, in reverse order of the runbook:
/// stop whatever runs on the new images, put the database back when the new backend may have migrated it,
/// put the compose file and .env back byte for byte, start the previous version and verify it.
/// </summary>
public sealed record RollbackPlan(
    bool NothingToUndo,
    bool StopAppServices,
    bool RestoreDatabase,
    bool RestoreFiles,
    string Explanation)
{
    /// <summary>The frontend keeps serving the old version until its own step; only then does it need undoing.</summary>
    public bool RevertFrontend { get; init; }

    /// <summary>
    /// <paramref name="startedSteps"/> are the steps that began (finished or not). For a run that died without a
    /// word (SIGKILL) use <see cref="InterruptedRun.StartedSteps"/>, which assumes the step after the last
    /// completed one had begun: undoing a step that never ran is harmless, missing one that did is not.
    /// </summary>
    public static RollbackPlan For(UpgradeJournal journal, IReadOnlyCollection<RunbookStep> startedSteps, OperatorAdvice advice)
    {
        bool Started(RunbookStep step) => startedSteps.Contains(step) || journal.HasCompleted(step);

        if (!Started(RunbookStep.Stop))
            return new RollbackPlan(true, false, false, false,
                "Nothing to undo: the upgrade ended before Stop, so the deployment was never changed.");

        var migrated = Started(RunbookStep.StartBackend);
        if (migrated && journal.BackupFile is null)
            throw new InvalidOperationException(
                $"The journal {journal.FilePath} records no backup, yet the new backend may have migrated the database. " +
                $"Restore a backup by hand: {advice.RestoreBackup} <file>.");

        return new RollbackPlan(false, true, migrated, journal.ChangedFiles.Count > 0,
            migrated
                ? "The new backend may have migrated the database: restore the backup, the previous tags and the previous version."
                : "The app was stopped but not upgraded: restore the previous tags and start the previous version.")
        {
            RevertFrontend = Started(RunbookStep.Frontend),
        };
    }
}
