using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// The proof that lets a rollback skip the restore: the transaction horizon recorded at Stop, and PostgreSQL's word
/// before the rollback restores that nothing committed since. Without the whole proof, the rollback restores.
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// How long the rollback waits for transactions still in progress to end before it gives up the proof: a backend
    /// killed mid-migration leaves its transaction open until the server notices the closed connection.
    /// </summary>
    public TimeSpan InProgressSettleTime { get; init; } = TimeSpan.FromSeconds(5);

    static readonly TimeSpan InProgressPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How the run waits; tests pass a clock that moves on by each wait at once.</summary>
    public Time.Clock Clock { get; init; } = Time.Clock.System;

    /// <summary>Asks PostgreSQL, after the new version has been stopped, whether the rollback must restore the backup.</summary>
    async Task<RestoreDecision> DecideRestoreAsync(UpgradeJournal journal, IDatabaseHorizon database, CancellationToken cancellationToken)
    {
        if (journal.TransactionHorizon is not { } horizon)
            return RestoreDecision.From(null, null);
        var started = Clock.Timestamp();
        while (true)
        {
            HorizonCheck check;
            try
            {
                check = await database.CheckSinceHorizonAsync(horizon, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return RestoreDecision.From(horizon, null, exception.Message);
            }
            if (check.Statuses is { InProgress: > 0, Committed: 0 } && Clock.Since(started) < InProgressSettleTime)
            {
                await Clock.DelayAsync(InProgressPollInterval, cancellationToken);
                continue;
            }
            return RestoreDecision.From(horizon, check);
        }
    }
}
