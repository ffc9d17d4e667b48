namespace Nexplane.Upgrade.Database;

/// <summary>The database's transaction horizon at Stop, and whether anything committed since: the rollback's proof that a restore is not needed.</summary>
public interface IDatabaseHorizon
{
    Task<TransactionHorizon> RecordTransactionHorizonAsync(CancellationToken cancellationToken);

    /// <summary>PostgreSQL's answers since <paramref name="horizon"/>; throws when it cannot be asked or refuses.</summary>
    Task<HorizonCheck> CheckSinceHorizonAsync(TransactionHorizon horizon, CancellationToken cancellationToken);
}
