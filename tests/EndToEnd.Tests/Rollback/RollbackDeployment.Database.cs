using EndToEnd.Tests.Support;
using Npgsql;

namespace EndToEnd.Tests.Rollback;

/// <summary>The instance's database as a test arranges it: statements of another client, and autovacuum held off.</summary>
public sealed partial class RollbackDeployment
{
    /// <summary>Runs <paramref name="sql"/> on the instance's app database (or another of its cluster) as a client of its own.</summary>
    public async Task ExecuteAsync(string sql, string database = "nexplane")
    {
        await using var connection = await DeploymentSnapshot.OpenDatabaseAsync(Sandbox);
        if (database != connection.Database)
            await connection.ChangeDatabaseAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Switches autovacuum off for the app's tables. Its ANALYZE commits a transaction, and the agents' heartbeats keep
    /// the assets table due for one about every minute: landing between Stop and the rollback's check, it would make
    /// the rollback restore (rightly: PostgreSQL cannot say whose commit it was; TransactionHorizonProbeTests). A test
    /// that asserts the restore is skipped must not depend on where autovacuum's minute falls.
    /// </summary>
    public Task HoldAutovacuumAsync() => ExecuteAsync("""
        do $$
        declare t record;
        begin
          for t in select schemaname, tablename from pg_tables where schemaname = 'public' loop
            execute format('alter table %I.%I set (autovacuum_enabled = off)', t.schemaname, t.tablename);
          end loop;
        end $$
        """);
}
