using Npgsql;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// Records the cluster's transaction horizon when the app stops, and later asks whether any transaction committed
/// since. Both run in a read-only repeatable-read transaction on a fresh connection, so everything read in it (the
/// snapshot, alembic_version, the schema) belongs to one instant. Recording assigns no transaction id, so it never
/// counts as a commit. The check must know the newest id assigned so far (a snapshot's xmax is only the newest
/// completed one + 1: a transaction still running above it would be missed), so it takes an id of its own and rolls
/// it back: aborted transactions do not count.
/// </summary>
public sealed class TransactionHorizonProbe(DatabaseInspector inspector)
{
    /// <summary>
    /// More transactions than this since the horizon are not read one by one (that many means the cluster was busy
    /// anyway, so something surely committed); the check then answers without statuses and the rollback restores.
    /// </summary>
    public const long MostTransactionsChecked = 1_000_000;

    const string SnapshotQuery = """
        select pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint,
               array(select x::text::bigint from pg_snapshot_xip(s) x order by 1),
               pg_postmaster_start_time(),
               (select oid::bigint from pg_database where datname = current_database())
        from pg_current_snapshot() s
        """;

    /// <summary>
    /// Every id among <c>@in_progress</c> and from <c>@first</c> to <c>@last</c>, by status. xid8 (64 bits, with the
    /// epoch) so that ids never wrap; pg_xact_status answers null for ids older than the commit log keeps.
    /// </summary>
    const string StatusQuery = """
        select coalesce(status, 'unknown'), count(*), min(xid)
        from (select xid, pg_xact_status(xid::text::xid8) as status
              from (select unnest(@in_progress::bigint[]) union select generate_series(@first, @last)) ids(xid)) statuses
        group by 1
        """;

    public async Task<TransactionHorizon> RecordAsync(CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(inspector.Database.Name, cancellationToken);
        await using var transaction = await BeginReadOnlyAsync(connection, cancellationToken);
        // The snapshot first: it fixes the instant; alembic_version and the schema are then read under it.
        var snapshot = await ReadSnapshotAsync(connection, transaction, cancellationToken);
        var horizon = new TransactionHorizon(snapshot.Xmin, snapshot.Xmax, snapshot.InProgress, snapshot.ServerStartedAt, snapshot.DatabaseOid,
            await DatabaseInspector.AlembicRevisionsAsync(connection, cancellationToken),
            await DatabaseInspector.ScalarAsync<string>(connection, SchemaDigest.Query, cancellationToken),
            DateTimeOffset.UtcNow);
        await transaction.CommitAsync(cancellationToken);
        return horizon;
    }

    /// <summary>PostgreSQL's answers about everything since <paramref name="horizon"/>; throws when it refuses a query.</summary>
    public async Task<HorizonCheck> CheckSinceAsync(TransactionHorizon horizon, CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(inspector.Database.Name, cancellationToken);
        await using var transaction = await BeginReadOnlyAsync(connection, cancellationToken);
        var now = await ReadSnapshotAsync(connection, transaction, cancellationToken);
        // Every id below our own had been assigned when we asked; ours ends aborted with this transaction.
        var ownXid = await DatabaseInspector.ScalarAsync<long>(connection, "select pg_current_xact_id()::text::bigint", cancellationToken);
        var assignedSince = ownXid - horizon.Xmax;
        var statuses = assignedSince < 0 || assignedSince > MostTransactionsChecked
            ? null
            : await ReadStatusesAsync(connection, horizon.InProgress, horizon.Xmax, ownXid - 1, cancellationToken);
        var check = new HorizonCheck(ownXid, statuses, now.ServerStartedAt, now.DatabaseOid,
            await DatabaseInspector.AlembicRevisionsAsync(connection, cancellationToken),
            await DatabaseInspector.ScalarAsync<string>(connection, SchemaDigest.Query, cancellationToken));
        await transaction.RollbackAsync(cancellationToken);
        return check;
    }

    static async Task<NpgsqlTransaction> BeginReadOnlyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        // READ ONLY before the first query: PostgreSQL then refuses any write to tables, whatever the queries below do.
        await using var readOnly = new NpgsqlCommand("set transaction read only", connection, transaction);
        await readOnly.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    sealed record Snapshot(long Xmin, long Xmax, long[] InProgress, DateTimeOffset ServerStartedAt, long DatabaseOid);

    static async Task<Snapshot> ReadSnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SnapshotQuery, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Snapshot(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<long[]>(2),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4));
    }

    static async Task<TransactionStatuses> ReadStatusesAsync(NpgsqlConnection connection, IReadOnlyList<long> inProgress, long first, long last,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(StatusQuery, connection);
        command.Parameters.AddWithValue("in_progress", inProgress.ToArray());
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        long total = 0, committed = 0, aborted = 0, running = 0, unknown = 0;
        long? firstCommitted = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var count = reader.GetInt64(1);
            total += count;
            switch (reader.GetString(0))
            {
                case "committed": committed = count; firstCommitted = reader.GetInt64(2); break;
                case "aborted": aborted = count; break;
                case "in progress": running = count; break;
                default: unknown += count; break;
            }
        }
        return new TransactionStatuses(total, committed, aborted, running, unknown, firstCommitted);
    }
}
