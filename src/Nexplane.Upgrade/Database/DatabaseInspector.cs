using Npgsql;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Database;

/// <summary>What the database looks like right now: enough to compare before and after an upgrade or a restore.</summary>
public sealed record DatabaseSnapshot(
    IReadOnlyList<string> AlembicRevisions,
    IReadOnlyDictionary<string, long> RowCounts,
    long SizeBytes,
    string ServerVersion,
    DatabaseIdentity Identity);

/// <summary>Read-only questions to the deployment's database through Npgsql, with operator-worded errors.</summary>
public sealed class DatabaseInspector(DatabaseTarget database, OperatorAdvice advice)
{
    public DatabaseTarget Database { get; } = database;

    public async Task<DatabaseSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(Database.Name, cancellationToken);
        return await ReadSnapshotAsync(connection, cancellationToken);
    }

    /// <summary>The databases earlier restores left beside this one (<see cref="KeptDatabase"/>), oldest first.</summary>
    public async Task<IReadOnlyList<KeptDatabase>> KeptDatabasesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(Database.Name, cancellationToken);
        // Only names that start like a kept one are sized: pg_database_size reads every file of a database.
        await using var command = new NpgsqlCommand(
            "select datname, case when has_database_privilege(oid, 'CONNECT') then pg_database_size(oid) end " +
            "from pg_database where starts_with(datname, @prefix) order by datname", connection);
        command.Parameters.AddWithValue("prefix", Database.Name + "_");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var kept = new List<KeptDatabase>();
        while (await reader.ReadAsync(cancellationToken))
            if (KeptDatabase.IsKeptFrom(Database.Name, reader.GetString(0)))
                kept.Add(new KeptDatabase(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
        return kept;
    }

    /// <summary>The rows of alembic_version (one per head); empty when the table does not exist yet.</summary>
    public async Task<IReadOnlyList<string>> AlembicRevisionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(Database.Name, cancellationToken);
        return await AlembicRevisionsAsync(connection, cancellationToken);
    }

    /// <summary>Opens a connection, turning Npgsql's failures into what the operator should check.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string databaseName, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Database.ConnectionStringFor(databaseName));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            await connection.DisposeAsync();
            throw new DatabaseAccessException(
                $"PostgreSQL at {Database.Host}:{Database.Port} refused user '{Database.User}': wrong password or user. " +
                $"Check {advice.Flag(Setting.DatabaseUser)} and {advice.Flag(Setting.DatabasePassword)} (or the deployment's .env); the password is not printed.");
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await connection.DisposeAsync();
            throw new DatabaseAccessException($"PostgreSQL at {Database.Host}:{Database.Port} has no database '{databaseName}'. Check {advice.Flag(Setting.DatabaseName)}.");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync();
            throw new DatabaseAccessException(
                $"PostgreSQL at {Database.Host}:{Database.Port} cannot be reached ({exception.Message}). " +
                $"Check that the db service runs and that {advice.Flag(Setting.DatabaseHost)}/{advice.Flag(Setting.DatabasePort)} point at it.");
        }
    }

    /// <summary>
    /// Opens a repeatable-read transaction and exports its snapshot, so pg_dump (<c>--snapshot</c>) and the row
    /// counts of the manifest see exactly the same data even while the app keeps writing.
    /// </summary>
    public async Task<ExportedSnapshot> ExportSnapshotAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(Database.Name, cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            // The transaction idles while pg_dump runs and the archive is decoded: a server's idle or statement timeout
            // must not end it (these settings are this transaction's only).
            await using var command = new NpgsqlCommand(
                "select set_config('idle_in_transaction_session_timeout', '0', true), set_config('statement_timeout', '0', true), pg_export_snapshot()",
                connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var id = reader.GetString(2);
            return new ExportedSnapshot(connection, transaction, id);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal static async Task<DatabaseSnapshot> ReadSnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        new(await AlembicRevisionsAsync(connection, cancellationToken),
            await RowCountsAsync(connection, cancellationToken),
            await ScalarAsync<long>(connection, "select pg_database_size(current_database())", cancellationToken),
            connection.PostgreSqlVersion.ToString(),
            await IdentityAsync(connection, cancellationToken));

    /// <summary>Which database the connection is on (<see cref="DatabaseIdentity"/>).</summary>
    public async Task<DatabaseIdentity> IdentityAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(Database.Name, cancellationToken);
        return await IdentityAsync(connection, cancellationToken);
    }

    internal static async Task<DatabaseIdentity> IdentityAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DatabaseIdentity.Query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseIdentity(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
    }

    internal static async Task<IReadOnlyList<string>> AlembicRevisionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var exists = await ScalarAsync<bool>(connection, "select to_regclass('alembic_version') is not null", cancellationToken);
        if (!exists)
            return [];
        var revisions = new List<string>();
        await using var command = new NpgsqlCommand("select version_num from alembic_version order by version_num", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            revisions.Add(reader.GetString(0));
        return revisions;
    }

    /// <summary>Snapshot of another database on the same server, e.g. a restore before it is swapped in.</summary>
    public async Task<DatabaseSnapshot> SnapshotOfAsync(string databaseName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(databaseName, cancellationToken);
        return await ReadSnapshotAsync(connection, cancellationToken);
    }

    /// <summary>Exact row counts of every user table, keyed schema.table.</summary>
    internal static async Task<IReadOnlyDictionary<string, long>> RowCountsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables " +
            "where schemaname not in ('pg_catalog', 'information_schema') order by 1", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                tables.Add(reader.GetString(0));
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
            counts[table] = await ScalarAsync<long>(connection, $"select count(*) from {table}", cancellationToken);
        return counts;
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

/// <summary>The database could not be reached or refused access. Nothing was changed.</summary>
public sealed class DatabaseAccessException(string message) : Exception(message);
