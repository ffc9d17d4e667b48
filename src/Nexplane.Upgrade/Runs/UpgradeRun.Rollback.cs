using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Rollback;

namespace Nexplane.Upgrade.Runs;

/// <summary>Rollback (Steps/Rollback): the run chooses the upgrade to roll back, and records the rollback into its journal and the report.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// The upgrade to roll back: this run's, or (invoked directly) the named one, the unfinished one, or the last one
    /// that got past Preflight (a Preflight alone, a dry run or a refused upgrade run since must not hide it). One that
    /// already ended rolled back or unchanged is refused: never an older upgrade behind it.
    /// </summary>
    public UpgradeJournal ChooseJournalToRollBack(JournalStore journals, string composeFile, string? upgradeId)
    {
        if (Journal is not null)
            return Journal;
        var chosen = (upgradeId is not null ? journals.Find(upgradeId) : journals.Unfinished(composeFile) ?? journals.LatestPastPreflight(composeFile))
            ?? throw new InvalidOperationException(
                $"No upgrade of {composeFile} that got past Preflight is recorded in {journals.Directory}" + (upgradeId is null ? "" : $" with id {upgradeId}") +
                $": there is nothing to roll back. To put a backup back alone, run {advice.RestoreBackup} <file>.");
        RollBackJournalOfAnEarlierRun(chosen);
        if (chosen.Outcome is UpgradeOutcome.RolledBack or UpgradeOutcome.NothingChanged || chosen.Outcome is UpgradeOutcome.Superseded && upgradeId is null)
            throw new InvalidOperationException(
                $"Upgrade {chosen.Id} ({chosen.FromVersion} -> {chosen.ToVersion}) is already {chosen.Outcome.Value.ToText()}; nothing to roll back.");
        return chosen;
    }

    /// <summary>The rollback found the upgrade had ended before Stop: it changed nothing, so there was nothing to roll back.</summary>
    public bool RollbackFoundNothingToUndo { get; private set; }

    /// <summary>
    /// Rolls back <see cref="Journal"/>. <paramref name="stepsStartedInThisRun"/> are the steps this run began; null
    /// when the upgrade ran in an earlier process, whose journal then tells how far it got.
    /// </summary>
    public async Task RollBackAsync(IReadOnlyCollection<RunbookStep>? stepsStartedInThisRun, RollbackSettings settings,
        IRollbackDeployment deployment, CancellationToken cancellationToken)
    {
        var journal = Journal ?? throw new InvalidOperationException("Choose the upgrade to roll back first.");
        var plan = RollbackPlan.For(journal, stepsStartedInThisRun ?? InterruptedRun.StartedSteps(journal), settings.Advice);
        var result = await new RollbackStep(output, Clock).RunAsync(new RollbackInput(journal, plan, settings), deployment,
            new JournalRecord(journal), cancellationToken);

        if (result.NothingToUndo)
        {
            journal.Outcome = UpgradeOutcome.NothingChanged;
            journal.Save();
            RollbackFoundNothingToUndo = true;
        }
        if (result.Outcome is { } outcome)
            Report.Outcome = outcome;
        if (result.DatabaseRollback is { } database)
            Report.DatabaseRollback = database;
        Report.Agents.AddRange(result.Agents);
        Report.NextSteps.AddRange(result.NextSteps);
        result.Unfinished?.Throw();
    }

    /// <summary>The rollback's progress, saved into the journal the moment it happens.</summary>
    sealed class JournalRecord(UpgradeJournal journal) : IRollbackRecord
    {
        public void Began()
        {
            journal.RollbackBegan = true;
            journal.Save();
        }

        public void DatabaseRestored(DatabaseIdentity restored)
        {
            journal.DatabaseIdentity = restored;
            journal.Save();
        }

        public void ControlPlaneRolledBack()
        {
            journal.Outcome = UpgradeOutcome.RolledBack;
            journal.Save();
        }
    }
}
