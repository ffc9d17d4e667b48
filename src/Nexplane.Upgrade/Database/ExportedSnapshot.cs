using Npgsql;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// An open repeatable-read transaction whose snapshot was exported: pg_dump imports it with <c>--snapshot</c>, and
/// <see cref="ReadAsync"/> reads the manifest's revision and row counts from the very same point in time. The
/// snapshot stays importable until this is disposed: the backup keeps it open through the dump and until the counts
/// are read, after the dump.
/// </summary>
public sealed class ExportedSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, string id) : IAsyncDisposable
{
    public string Id { get; } = id;

    /// <summary>
    /// Read after the dump, beside the archive's decode check and the image pulls, so the counts run without parallel
    /// workers: a parallel count(*) takes three backends, both cores of a small server (only this transaction's
    /// setting changes).
    /// </summary>
    public async Task<DatabaseSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await DatabaseInspector.ScalarAsync<string>(connection, "select set_config('max_parallel_workers_per_gather', '0', true)", cancellationToken);
        return await DatabaseInspector.ReadSnapshotAsync(connection, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Read-only transaction: rolling back ends it without touching anything.
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
