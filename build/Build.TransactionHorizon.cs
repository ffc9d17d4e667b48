using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runs;

/// <summary>The transaction horizon recorded at Stop and checked before a rollback restores: PostgreSQL's side of the proof.</summary>
partial class Build
{
    Task<TransactionHorizon> IDatabaseHorizon.RecordTransactionHorizonAsync(CancellationToken cancellationToken) =>
        new TransactionHorizonProbe(new DatabaseInspector(DatabaseTarget)).RecordAsync(cancellationToken);

    Task<HorizonCheck> IDatabaseHorizon.CheckSinceHorizonAsync(TransactionHorizon horizon, CancellationToken cancellationToken) =>
        new TransactionHorizonProbe(new DatabaseInspector(DatabaseTarget)).CheckSinceAsync(horizon, cancellationToken);
}
