using EndToEnd.Tests.Sandbox;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Steps.VerifyMigrations;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Database;

/// <summary>VerifyMigrations' checks against databases migrated by the sandbox's real migration chains.</summary>
[Collection(HostDatabaseCollection.Name)]
public sealed class VerifyMigrationsTests(PostgresCluster postgres)
{
    /// <summary>The step on a real database, read through the adapter LiveDeployment and the rehearsal use.</summary>
    sealed class Verifier(DatabaseInspector inspector)
    {
        public Task<string> VerifyAsync(MigrationExpectation expectation, CancellationToken cancellationToken) =>
            new VerifyMigrationsStep(new Silent()).RunAsync(expectation, new InspectedDatabase(inspector), cancellationToken);
    }

    sealed class Silent : IRunOutput
    {
        public void Information(string template, params object?[] values) { }
        public void Warning(string template, params object?[] values) { }
        public void Error(string template, params object?[] values) { }
        public void Summary(string key, string value) { }
    }

    async Task<string> MigratedDatabaseAsync(params string[] releases)
    {
        var database = await postgres.CreateDatabaseAsync();
        foreach (var release in releases)
        {
            var migrate = await SandboxProcess.RunToExitAsync(["migrate", "--release", release], SandboxEnvironment.For(postgres.DatabaseUrl(database)));
            Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        }
        return database;
    }

    Verifier VerifierOf(string database) => new(new DatabaseInspector(new DatabaseTarget("127.0.0.1", postgres.Port, database, "postgres", null), TestAdvice.Nuke));

    [Fact]
    public async Task A_database_at_the_head_the_logs_reported_passes()
    {
        var database = await MigratedDatabaseAsync("0.2.0", "0.3.0");

        var head = await VerifierOf(database).VerifyAsync(new MigrationExpectation("004_backfill_asset_owner", ["002_asset_tags"], true), CancellationToken.None);

        Assert.Equal("004_backfill_asset_owner", head);
    }

    [Fact]
    public async Task A_failed_migration_that_left_the_old_revision_is_caught()
    {
        var database = await MigratedDatabaseAsync("0.2.0");
        var failed = await SandboxProcess.RunToExitAsync(["migrate", "--release", "0.3.1"], SandboxEnvironment.For(postgres.DatabaseUrl(database)));
        Assert.Equal(1, failed.ExitCode);

        var mismatch = await Assert.ThrowsAsync<MigrationVerificationException>(() =>
            VerifierOf(database).VerifyAsync(new MigrationExpectation("005_bad_index", ["002_asset_tags"], true), CancellationToken.None));

        Assert.Contains("alembic_version is 002_asset_tags, but the backend's log reported head 005_bad_index", mismatch.Message);
    }

    [Fact]
    public async Task No_head_from_the_logs_fails_and_says_why()
    {
        var database = await MigratedDatabaseAsync("0.3.0");

        var missing = await Assert.ThrowsAsync<MigrationVerificationException>(() =>
            VerifierOf(database).VerifyAsync(new MigrationExpectation(null, ["002_asset_tags"], true), CancellationToken.None));

        Assert.Contains("did not report an Alembic head", missing.Message);
    }

    [Fact]
    public async Task Two_heads_in_alembic_version_fail()
    {
        var database = await MigratedDatabaseAsync("0.3.0");
        await SampleData.ExecuteAsync(postgres.ConnectionString(database), "insert into alembic_version values ('005_change_windows')");

        var branched = await Assert.ThrowsAsync<MigrationVerificationException>(() =>
            VerifierOf(database).VerifyAsync(new MigrationExpectation("004_backfill_asset_owner", ["002_asset_tags"], true), CancellationToken.None));

        Assert.Contains("holds 2 rows", branched.Message);
    }

    [Fact]
    public async Task An_unchanged_revision_fails_only_when_the_notes_announce_migrations()
    {
        var database = await MigratedDatabaseAsync("0.3.0");

        var unchanged = await Assert.ThrowsAsync<MigrationVerificationException>(() =>
            VerifierOf(database).VerifyAsync(new MigrationExpectation("004_backfill_asset_owner", ["004_backfill_asset_owner"], true), CancellationToken.None));
        var head = await VerifierOf(database).VerifyAsync(
            new MigrationExpectation("004_backfill_asset_owner", ["004_backfill_asset_owner"], false), CancellationToken.None);

        Assert.Contains("the new version's migrations did not run", unchanged.Message);
        Assert.Equal("004_backfill_asset_owner", head);
    }

    [Fact]
    public async Task An_empty_database_fails()
    {
        var database = await postgres.CreateDatabaseAsync();

        var empty = await Assert.ThrowsAsync<MigrationVerificationException>(() =>
            VerifierOf(database).VerifyAsync(new MigrationExpectation("002_asset_tags", [], true), CancellationToken.None));

        Assert.Contains("alembic_version is empty or missing", empty.Message);
    }
}
