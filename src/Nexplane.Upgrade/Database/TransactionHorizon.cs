namespace Nexplane.Upgrade.Database;

/// <summary>
/// The database cluster's transaction horizon once the app has stopped (PostgreSQL's <c>pg_current_snapshot()</c>):
/// every transaction id below <see cref="Xmax"/> had ended then, except those in <see cref="InProgress"/>. A
/// transaction that commits later has one of those ids or one from <see cref="Xmax"/> on, whichever database of the
/// cluster it writes to. Beside it, what the app's database looked like under the same snapshot, and which server
/// and database answered, so a later check can tell that it asks the same ones.
/// </summary>
/// <param name="Xmin">The oldest transaction still running then (= <see cref="Xmax"/> when none was).</param>
/// <param name="Xmax">The first transaction id not yet assigned then.</param>
/// <param name="InProgress">Transactions running then; they may still commit.</param>
/// <param name="ServerStartedAt">pg_postmaster_start_time(): a restart since means the check cannot vouch for anything.</param>
/// <param name="DatabaseOid">The app database's oid: a database swapped in by a restore (or re-created) has another.</param>
/// <param name="AlembicRevisions">The rows of alembic_version then.</param>
/// <param name="SchemaDigest">md5 of the app schema's definitions (<see cref="SchemaDigest"/>).</param>
public sealed record TransactionHorizon(
    long Xmin,
    long Xmax,
    IReadOnlyList<long> InProgress,
    DateTimeOffset ServerStartedAt,
    long DatabaseOid,
    IReadOnlyList<string> AlembicRevisions,
    string SchemaDigest,
    DateTimeOffset RecordedAt);

/// <summary>How the transactions since a horizon ended, as pg_xact_status reports them.</summary>
/// <param name="Checked">Transaction ids asked about: the horizon's in-progress ones and every one assigned since.</param>
/// <param name="Unknown">pg_xact_status answered null: too old for the commit log, PostgreSQL no longer knows.</param>
/// <param name="FirstCommitted">The lowest committed id, to name in the log; null when none committed.</param>
public sealed record TransactionStatuses(long Checked, long Committed, long Aborted, long InProgress, long Unknown, long? FirstCommitted);

/// <summary>
/// PostgreSQL's answers, asked under one snapshot, to "did anything change since the horizon?".
/// <paramref name="Statuses"/> is null when more transactions than <see cref="TransactionHorizonProbe.MostTransactionsChecked"/>
/// were assigned since: the probe does not read them all, and the rollback restores.
/// </summary>
/// <param name="CheckXid">The check's own transaction id (rolled back): every id below it had been assigned when it asked.</param>
public sealed record HorizonCheck(
    long CheckXid,
    TransactionStatuses? Statuses,
    DateTimeOffset ServerStartedAt,
    long DatabaseOid,
    IReadOnlyList<string> AlembicRevisions,
    string SchemaDigest);
