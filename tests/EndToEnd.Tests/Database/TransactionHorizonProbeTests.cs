using CliWrap;
using CliWrap.Buffered;
using EndToEnd.Tests.Sandbox;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Rollback;
using Npgsql;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Database;

/// <summary>
/// A cluster of its own with autovacuum off: transaction ids are cluster-wide, so another test's database or an
/// autovacuum ANALYZE (which commits a transaction) landing inside a test's window would count as a commit. What
/// ANALYZE does to the proof is asserted by a test of its own.
/// </summary>
public sealed class QuietPostgresCluster : PostgresCluster
{
    protected override string ExtraServerSettings => "-c autovacuum=off";
}

/// <summary>
/// The rollback's proof against a real PostgreSQL: what counts as a commit since the horizon (anyone's, in any
/// database of the cluster), and what does not (the tool's own questions, pg_dump, a failed migration run).
/// </summary>
public sealed class TransactionHorizonProbeTests(QuietPostgresCluster postgres) : IClassFixture<QuietPostgresCluster>
{
    async Task<(string Database, TransactionHorizonProbe Probe)> DatabaseOnReleaseAsync(string release)
    {
        var database = await postgres.CreateDatabaseAsync();
        var migrate = await SandboxProcess.RunToExitAsync(["migrate", "--release", release], SandboxEnvironment.For(postgres.DatabaseUrl(database)));
        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        return (database, new TransactionHorizonProbe(Inspector(database)));
    }

    DatabaseInspector Inspector(string database) => new(new DatabaseTarget("127.0.0.1", postgres.Port, database, "postgres", null), TestAdvice.Nuke);

    async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_failed_migration_run_and_the_tools_own_questions_commit_nothing_so_the_restore_is_skipped()
    {
        var (database, probe) = await DatabaseOnReleaseAsync("0.2.0");
        var horizon = await probe.RecordAsync(CancellationToken.None);

        // What the tool itself does between Stop and the rollback's check: counters, snapshots, row counts, pg_dump.
        await new WriteActivity(Inspector(database)).CaptureAsync(CancellationToken.None);
        await Inspector(database).SnapshotAsync(CancellationToken.None);
        await using (var exported = await Inspector(database).ExportSnapshotAsync(CancellationToken.None))
        {
            var dump = await Cli.Wrap("pg_dump")
                .WithArguments(["-h", "127.0.0.1", "-p", postgres.Port.ToString(), "-U", "postgres", "-Fc", "--snapshot", exported.Id, "--no-sync", "-f", "/dev/null", database])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.True(dump.ExitCode == 0, dump.StandardError);
        }
        // 0.3.1's chain (003, 004, then the broken 005) in one transaction, run twice as a crash loop would.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var failed = await SandboxProcess.RunToExitAsync(["migrate", "--release", "0.3.1"], SandboxEnvironment.For(postgres.DatabaseUrl(database)));
            Assert.True(failed.ExitCode == 1, failed.AllOutput);
        }
        await probe.RecordAsync(CancellationToken.None);

        var check = await probe.CheckSinceAsync(horizon, CancellationToken.None);

        Assert.NotNull(check.Statuses);
        Assert.Equal(0, check.Statuses.Committed);
        // The two migration runs; the horizon's own record and the tool's queries took no transaction id.
        Assert.Equal(2, check.Statuses.Aborted);
        Assert.Equal(["002_asset_tags"], check.AlembicRevisions);
        var decision = RestoreDecision.From(horizon, check);
        Assert.False(decision.Restore, decision.Reason);
    }

    [Fact]
    public async Task A_commit_by_another_client_in_another_database_of_the_cluster_counts()
    {
        var (_, probe) = await DatabaseOnReleaseAsync("0.2.0");
        var horizon = await probe.RecordAsync(CancellationToken.None);

        await ExecuteAsync("postgres", "create table if not exists monitoring_probe (at timestamptz); insert into monitoring_probe values (now())");

        var check = await probe.CheckSinceAsync(horizon, CancellationToken.None);
        Assert.Equal(1, check.Statuses!.Committed);
        Assert.True(RestoreDecision.From(horizon, check).Restore);
    }

    [Fact]
    public async Task A_transaction_open_at_Stop_that_commits_afterwards_counts()
    {
        var (database, probe) = await DatabaseOnReleaseAsync("0.2.0");
        await using var straggler = new NpgsqlConnection(postgres.ConnectionString(database));
        await straggler.OpenAsync();
        await using var transaction = await straggler.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand("update assets set name = name || '!' where id = (select min(id) from assets)", straggler, transaction))
            await write.ExecuteNonQueryAsync();
        await using var ownId = new NpgsqlCommand("select pg_current_xact_id()::text::bigint", straggler, transaction);
        var stragglerXid = (long)(await ownId.ExecuteScalarAsync())!;

        // Its id is at or above the horizon's xmax (PostgreSQL's xmax is the newest completed id + 1), or in its in-progress list.
        var horizon = await probe.RecordAsync(CancellationToken.None);
        Assert.True(stragglerXid >= horizon.Xmax || horizon.InProgress.Contains(stragglerXid), $"{stragglerXid} vs {horizon}");
        var whileOpen = await probe.CheckSinceAsync(horizon, CancellationToken.None);
        await transaction.CommitAsync();
        var afterCommit = await probe.CheckSinceAsync(horizon, CancellationToken.None);

        Assert.Equal((1L, 0L), (whileOpen.Statuses!.InProgress, whileOpen.Statuses.Committed));
        Assert.Equal(stragglerXid, afterCommit.Statuses!.FirstCommitted);
        Assert.True(RestoreDecision.From(horizon, afterCommit).Restore);
    }

    [Fact]
    public async Task An_ANALYZE_commits_a_transaction_so_autovacuum_in_the_window_makes_the_rollback_restore()
    {
        var (database, probe) = await DatabaseOnReleaseAsync("0.2.0");
        var horizon = await probe.RecordAsync(CancellationToken.None);

        await ExecuteAsync(database, "analyze assets");

        var check = await probe.CheckSinceAsync(horizon, CancellationToken.None);
        Assert.Equal(1, check.Statuses!.Committed);
        Assert.Equal(horizon.SchemaDigest, check.SchemaDigest);
    }

    [Fact]
    public async Task A_migration_that_commits_shows_as_a_commit_a_new_alembic_version_and_another_schema()
    {
        var (database, probe) = await DatabaseOnReleaseAsync("0.2.0");
        var horizon = await probe.RecordAsync(CancellationToken.None);

        var migrate = await SandboxProcess.RunToExitAsync(["migrate", "--release", "0.3.0"], SandboxEnvironment.For(postgres.DatabaseUrl(database)));
        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);

        var check = await probe.CheckSinceAsync(horizon, CancellationToken.None);
        Assert.Equal(1, check.Statuses!.Committed);
        Assert.Equal(["004_backfill_asset_owner"], check.AlembicRevisions);
        Assert.NotEqual(horizon.SchemaDigest, check.SchemaDigest);
    }

    [Fact]
    public async Task The_schema_digest_follows_definitions_not_rows_statistics_or_vacuum()
    {
        var (database, probe) = await DatabaseOnReleaseAsync("0.2.0");
        var before = (await probe.RecordAsync(CancellationToken.None)).SchemaDigest;

        await ExecuteAsync(database, "insert into users (email, hashed_password) values ('digest@example.com', 'x')");
        await ExecuteAsync(database, "vacuum analyze");
        var afterRowsAndVacuum = (await probe.RecordAsync(CancellationToken.None)).SchemaDigest;
        await ExecuteAsync(database, "alter table assets alter column name set default 'unnamed'");
        var afterNewDefault = (await probe.RecordAsync(CancellationToken.None)).SchemaDigest;

        Assert.Equal(before, afterRowsAndVacuum);
        Assert.NotEqual(before, afterNewDefault);
    }

    [Fact]
    public async Task A_database_re_created_under_the_same_name_is_not_the_one_seen_at_Stop()
    {
        var (database, probe) = await DatabaseOnReleaseAsync("0.2.0");
        var horizon = await probe.RecordAsync(CancellationToken.None);
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync("postgres", $"alter database {database} rename to {database}_failed");
        await ExecuteAsync("postgres", $"create database {database} template {database}_failed");

        var check = await probe.CheckSinceAsync(horizon, CancellationToken.None);
        Assert.NotEqual(horizon.DatabaseOid, check.DatabaseOid);
        Assert.Contains("the database is not the one seen at Stop", RestoreDecision.From(horizon, check).Reason);
    }
}
