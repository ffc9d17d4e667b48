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
    /// Switches autovacuum off for the whole test server and waits until no autovacuum worker is left. Its ANALYZE
    /// commits a transaction, and a commit anywhere in the cluster between Stop and the rollback's check makes the
    /// rollback restore (rightly: PostgreSQL cannot say whose commit it was; TransactionHorizonProbeTests). The app's
    /// tables are not the only ones due for one: the agents' heartbeats keep the assets table due about every minute,
    /// and a restore leaves the catalogs of the restored database, and the tables a migration created in the database
    /// it kept, due as well. A test that asserts the restore is skipped must not depend on where autovacuum's minute
    /// falls. The setting lives in this instance's data volume: the tests that reuse the instance keep it, and it goes
    /// with the instance.
    /// </summary>
    public async Task HoldAutovacuumAsync()
    {
        await ExecuteAsync("alter system set autovacuum = off");
        await ExecuteAsync("select pg_reload_conf()");
        await using var connection = await DeploymentSnapshot.OpenDatabaseAsync(Sandbox);
        await using var workers = new NpgsqlCommand("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'", connection);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // A worker that began before the reload finishes its pass (or is cancelled by a lock it blocks); wait it out.
        while ((long)(await workers.ExecuteScalarAsync())! > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("An autovacuum worker is still running 60 s after autovacuum was switched off.");
            await Task.Delay(200);
        }
    }
}
