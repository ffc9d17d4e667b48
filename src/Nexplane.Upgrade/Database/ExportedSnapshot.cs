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

    public Task<DatabaseSnapshot> ReadAsync(CancellationToken cancellationToken) =>
        DatabaseInspector.ReadSnapshotAsync(connection, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Read-only transaction: rolling back ends it without touching anything.
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
