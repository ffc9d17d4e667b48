using Npgsql;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// The server-level statements a restore needs (create, rename, drop, disconnect), issued through Npgsql from the
/// maintenance database, since a database cannot be renamed or dropped while anyone (us included) is connected to it.
/// </summary>
public sealed class DatabaseAdministration(DatabaseInspector inspector, string maintenanceDatabase, Clock? clock = null)
{
    const int RenameAttempts = 10;

    readonly Clock _clock = clock ?? Clock.System;

    public async Task<bool> CanCreateDatabasesAsync(CancellationToken cancellationToken) =>
        await ScalarAsync<bool>("select rolcreatedb or rolsuper from pg_roles where rolname = current_user", cancellationToken);

    public async Task<int> ServerMajorAsync(CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(maintenanceDatabase, cancellationToken);
        return connection.PostgreSqlVersion.Major;
    }

    public async Task<bool> ExistsAsync(string database, CancellationToken cancellationToken) =>
        await ScalarAsync<bool>($"select exists (select 1 from pg_database where datname = {Literal(database)})", cancellationToken);

    /// <summary>A new, empty database owned by the deployment's user, from template0 so nothing local leaks in.</summary>
    public Task CreateAsync(string database, CancellationToken cancellationToken) =>
        ExecuteAsync($"create database {Identifier(database)} template template0", cancellationToken);

    public Task DropAsync(string database, CancellationToken cancellationToken) =>
        ExecuteAsync($"drop database if exists {Identifier(database)}", cancellationToken);

    /// <summary>Ends every other session on <paramref name="database"/>; returns how many there were.</summary>
    public async Task<long> DisconnectOthersAsync(string database, CancellationToken cancellationToken) =>
        await ScalarAsync<long>(
            $"select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = {Literal(database)} and pid <> pg_backend_pid()",
            cancellationToken);

    /// <summary>
    /// Renames <paramref name="from"/>, first disconnecting its sessions. A client that reconnects in between makes
    /// the rename fail, so disconnect and rename are retried a few times before giving up.
    /// </summary>
    public Task RenameAsync(string from, string to, CancellationToken cancellationToken) =>
        RetryWhileInUseAsync(
            () => DisconnectOthersAsync(from, cancellationToken),
            () => ExecuteAsync($"alter database {Identifier(from)} rename to {Identifier(to)}", cancellationToken),
            _clock, cancellationToken);

    /// <summary>
    /// Disconnects, then runs <paramref name="statement"/>; while it fails because the database is in use (object_in_use),
    /// both are tried again after a pause that grows by 200 ms each time, <see cref="RenameAttempts"/> attempts in all.
    /// </summary>
    internal static async Task RetryWhileInUseAsync(Func<Task> disconnect, Func<Task> statement, Clock clock, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await disconnect();
            try
            {
                await statement();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse && attempt < RenameAttempts)
            {
                await clock.DelayAsync(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Empties <paramref name="database"/> in place, for a role that cannot create databases: every schema except
    /// PostgreSQL's own is dropped, and an empty public schema is created for the restore.
    /// </summary>
    public async Task EmptyInPlaceAsync(string database, CancellationToken cancellationToken)
    {
        await DisconnectOthersAsync(database, cancellationToken);
        await using var connection = await inspector.OpenAsync(database, cancellationToken);
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                schemas.Add(reader.GetString(0));
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var schema in schemas)
            await new NpgsqlCommand($"drop schema {Identifier(schema)} cascade", connection, transaction).ExecuteNonQueryAsync(cancellationToken);
        await new NpgsqlCommand("create schema public", connection, transaction).ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(maintenanceDatabase, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await inspector.OpenAsync(maintenanceDatabase, cancellationToken);
        return await DatabaseInspector.ScalarAsync<T>(connection, sql, cancellationToken);
    }

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    static string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
