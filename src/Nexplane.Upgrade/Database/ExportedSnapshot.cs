using Npgsql;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// An open repeatable-read transaction whose snapshot was exported: pg_dump imports it with <c>--snapshot</c>, and
/// <see cref="ReadAsync"/> reads the manifest's revision and row counts from the very same point in time. The
/// snapshot stays importable until this is disposed, so keep it open until pg_dump has started.
/// </summary>
public sealed class ExportedSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, string id) : IAsyncDisposable
{
    public string Id { get; } = id;

    /// <summary>
    /// Read beside the running pg_dump, so the counts run without parallel workers: a parallel count(*) takes three
    /// backends, both cores of a small server, from pg_dump and the server process feeding it (only this
    /// transaction's setting changes).
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
