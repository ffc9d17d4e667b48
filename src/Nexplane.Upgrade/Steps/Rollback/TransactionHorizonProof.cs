using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>
/// The proof that lets a rollback skip the restore: the transaction horizon recorded at Stop, and PostgreSQL's word
/// before the rollback restores that nothing committed since. Without the whole proof, the rollback restores.
/// </summary>
/// <param name="inProgressSettleTime">How long transactions still in progress may take to end before the proof is given up.</param>
public sealed class TransactionHorizonProof(Clock clock, TimeSpan inProgressSettleTime)
{
    static readonly TimeSpan InProgressPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Asks PostgreSQL, after the new version has been stopped, whether the rollback must restore the backup.</summary>
    /// <param name="horizon">The horizon the upgrade's Stop recorded; null when it recorded none.</param>
    public async Task<RestoreDecision> DecideAsync(TransactionHorizon? horizon, IDatabaseHorizon database, CancellationToken cancellationToken)
    {
        if (horizon is null)
            return RestoreDecision.From(null, null);
        var started = clock.Timestamp();
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
            if (check.Statuses is { InProgress: > 0, Committed: 0 } && clock.Since(started) < inProgressSettleTime)
            {
                await clock.DelayAsync(InProgressPollInterval, cancellationToken);
                continue;
            }
            return RestoreDecision.From(horizon, check);
        }
    }
}
