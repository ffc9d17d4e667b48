namespace EndToEnd.Tests.Sandbox;

/// <summary>The migrate role behaves like `alembic upgrade head` of each release against a real PostgreSQL.</summary>
[Collection(SandboxMigrationsCollection.Name)]
public sealed class SandboxMigrationTests(PostgresCluster postgres)
{
    // Predictions from the deterministic sample data: 47 regular assets numbered 1..47, 3 agents.
    const int RegularAssets = 47;
    static readonly int CriticalAssets = Enumerable.Range(1, RegularAssets).Count(n => n % 5 == 0);
    static readonly int AssetsWithMaintenanceDay = Enumerable.Range(1, RegularAssets).Count(n => n % 3 == 0);
    static readonly int NoAutoPatchAssets = Enumerable.Range(1, RegularAssets).Count(n => n % 7 == 0);
    static readonly int AssetsOwnedByOpsTeam = Enumerable.Range(1, RegularAssets).Count(n => n % 4 == 0);

    async Task<(string Database, Dictionary<string, string?> Environment)> FreshDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        return (database, SandboxEnvironment.For(postgres.DatabaseUrl(database)));
    }

    static Task<SandboxProcess> MigrateAsync(string release, Dictionary<string, string?> environment) =>
        SandboxProcess.RunToExitAsync(["migrate", "--release", release], environment);

    /// <summary>What alembic_version records; null when the table does not exist.</summary>
    async Task<string?> RevisionAsync(string database) =>
        await TableExistsAsync(database, "alembic_version")
            ? await postgres.ScalarAsync<string>(database, "SELECT string_agg(version_num, ',') FROM alembic_version")
            : null;

    Task<bool> TableExistsAsync(string database, string table) =>
        postgres.ScalarAsync<bool>(database, $"SELECT to_regclass('{table}') IS NOT NULL");

    Task<bool> ColumnExistsAsync(string database, string table, string column) =>
        postgres.ScalarAsync<bool>(database,
            $"SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = '{table}' AND column_name = '{column}')");

    [Theory]
    [InlineData("0.2.0", "002_asset_tags")]
    [InlineData("0.3.0", "004_backfill_asset_owner")]
    [InlineData("0.3.2", "004_backfill_asset_owner")]
    [InlineData("0.3.3", "004_backfill_asset_owner")]
    [InlineData("0.3.4", "004_backfill_asset_owner")]
    [InlineData("0.4.0", "006_drop_legacy_flags")]
    public async Task Each_release_migrates_an_empty_database_to_its_own_head(string release, string head)
    {
        var (database, environment) = await FreshDatabaseAsync();

        var migrate = await MigrateAsync(release, environment);

        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        Assert.Contains("INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.", migrate.StandardError);
        Assert.Contains("INFO  [alembic.runtime.migration] Will assume transactional DDL.", migrate.StandardError);
        Assert.Contains("INFO  [alembic.runtime.migration] Running upgrade  -> 001_initial, initial schema", migrate.StandardError);
        Assert.Contains($" -> {head}, ", migrate.StandardError);
        Assert.Equal(head, await RevisionAsync(database));
        Assert.Equal(50L, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM assets"));
        Assert.Equal(3L, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM assets WHERE 'nexplane-agent' = ANY (tags)"));
    }

    [Fact]
    public async Task Release_0_2_0_seeds_the_admin_with_a_salted_hash_and_agents_with_metadata()
    {
        var (database, environment) = await FreshDatabaseAsync();

        var migrate = await MigrateAsync("0.2.0", environment);

        Assert.Equal(0, migrate.ExitCode);
        var hash = await postgres.ScalarAsync<string>(database, $"SELECT hashed_password FROM users WHERE email = '{SandboxEnvironment.AdminEmail}'");
        Assert.StartsWith("pbkdf2_sha256$", hash);
        Assert.DoesNotContain(SandboxEnvironment.AdminPassword, hash);
        var agents = await postgres.ColumnAsync(database,
            "SELECT asset_metadata->>'os_type' || '/' || (asset_metadata->>'agent_version') || '/' || (asset_metadata ? 'hostname') || '/' || (asset_metadata ? 'last_seen') " +
            "FROM assets WHERE 'nexplane-agent' = ANY (tags) ORDER BY id");
        Assert.Equal(["linux/0.2.0/true/true", "windows/0.2.0/true/true", "darwin/0.2.0/true/true"], agents);
        Assert.DoesNotContain(SandboxEnvironment.AdminPassword, migrate.AllOutput);
    }

    [Fact]
    public async Task Release_0_3_0_upgrades_0_2_0_data_with_tunnels_and_backfilled_owners()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.2.0", environment)).ExitCode);

        var migrate = await MigrateAsync("0.3.0", environment);

        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        var upgrades = migrate.StandardError.Split('\n').Where(line => line.Contains("Running upgrade")).ToList();
        Assert.Equal(
        [
            "INFO  [alembic.runtime.migration] Running upgrade 002_asset_tags -> 003_agent_tunnels, add agent tunnels",
            "INFO  [alembic.runtime.migration] Running upgrade 003_agent_tunnels -> 004_backfill_asset_owner, backfill asset owner",
        ], upgrades);
        Assert.Equal("004_backfill_asset_owner", await RevisionAsync(database));
        Assert.Equal(3L, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM agent_tunnels WHERE status = 'closed'"));
        Assert.True(await ColumnExistsAsync(database, "assets", "tunnel_enabled"));
        Assert.Equal((long)AssetsOwnedByOpsTeam, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM assets WHERE owner = 'ops-team@nexplane.local'"));
        Assert.Equal(50L - AssetsOwnedByOpsTeam, await postgres.ScalarAsync<long>(database, $"SELECT count(*) FROM assets WHERE owner = '{SandboxEnvironment.AdminEmail}'"));
        Assert.Equal(0L, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM assets WHERE asset_metadata ? 'owner'"));
    }

    [Fact]
    public async Task Release_0_4_0_upgrades_0_2_0_data_through_every_revision_and_transforms_legacy_flags()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.2.0", environment)).ExitCode);

        var migrate = await MigrateAsync("0.4.0", environment);

        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        Assert.Equal(4, migrate.StandardError.Split('\n').Count(line => line.Contains("Running upgrade")));
        Assert.Equal("006_drop_legacy_flags", await RevisionAsync(database));
        Assert.False(await ColumnExistsAsync(database, "assets", "legacy_flags"));
        Assert.Equal((long)CriticalAssets, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM assets WHERE criticality = 'high'"));
        Assert.Equal((long)AssetsWithMaintenanceDay, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM change_windows"));
        Assert.Equal((long)NoAutoPatchAssets, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM assets WHERE 'no-auto-patch' = ANY (tags)"));
        Assert.Equal(3L, await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM agent_tunnels"));
    }

    [Fact]
    public async Task Release_0_4_0_upgrades_0_3_0_data_with_only_its_own_revisions_in_the_runbook_log_format()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.3.0", environment)).ExitCode);

        var migrate = await MigrateAsync("0.4.0", environment.With("NEXPLANE_LOG_FORMAT", "runbook"));

        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        Assert.Contains("INFO alembic.runtime.migration - Running upgrade 004_backfill_asset_owner -> 005_change_windows, add change windows", migrate.StandardError);
        Assert.Contains("INFO alembic.runtime.migration - Running upgrade 005_change_windows -> 006_drop_legacy_flags, drop legacy flags", migrate.StandardError);
        Assert.DoesNotContain("003_agent_tunnels,", migrate.StandardError);
        Assert.Equal("006_drop_legacy_flags", await RevisionAsync(database));
    }

    [Fact]
    public async Task Migrating_a_database_already_at_head_runs_nothing()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.3.0", environment)).ExitCode);

        var again = await MigrateAsync("0.3.0", environment.With("DATABASE_URL", postgres.DatabaseUrl(database).Replace("postgresql://", "postgresql+psycopg2://")));

        Assert.True(again.ExitCode == 0, again.AllOutput);
        Assert.Contains("Will assume transactional DDL.", again.StandardError);
        Assert.DoesNotContain("Running upgrade", again.StandardError);
    }

    [Fact]
    public async Task Release_0_3_1_fails_with_a_traceback_and_leaves_0_2_0_data_untouched()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.2.0", environment)).ExitCode);

        var migrate = await MigrateAsync("0.3.1", environment);

        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("Running upgrade 004_backfill_asset_owner -> 005_bad_index, add owner team index", migrate.StandardError);
        Assert.Contains("Traceback (most recent call last):", migrate.StandardError);
        Assert.Contains("sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn)", migrate.StandardError);
        Assert.Equal("002_asset_tags", await RevisionAsync(database));
        // One transaction: neither the earlier revisions of the run nor the failing one's first statement survive.
        Assert.False(await TableExistsAsync(database, "teams"));
        Assert.False(await TableExistsAsync(database, "agent_tunnels"));
        Assert.False(await ColumnExistsAsync(database, "assets", "owner"));
    }

    [Fact]
    public async Task Release_0_3_1_on_an_empty_database_leaves_it_empty()
    {
        var (database, environment) = await FreshDatabaseAsync();

        var migrate = await MigrateAsync("0.3.1", environment);

        Assert.Equal(1, migrate.ExitCode);
        Assert.Null(await RevisionAsync(database));
        Assert.False(await TableExistsAsync(database, "alembic_version"));
        Assert.False(await TableExistsAsync(database, "users"));
    }

    [Fact]
    public async Task A_database_newer_than_the_code_fails_with_alembics_command_error_exit_255()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.4.0", environment)).ExitCode);

        var downgrade = await MigrateAsync("0.3.0", environment);

        Assert.Equal(255, downgrade.ExitCode);
        Assert.Contains("FAILED: Can't locate revision identified by '006_drop_legacy_flags'", downgrade.StandardError);
        Assert.Equal("006_drop_legacy_flags", await RevisionAsync(database));
    }

    [Fact]
    public async Task A_missing_WEBHOOK_SECRET_stops_0_3_0_before_any_migration()
    {
        var (database, environment) = await FreshDatabaseAsync();
        Assert.Equal(0, (await MigrateAsync("0.2.0", environment)).ExitCode);

        var migrate = await MigrateAsync("0.3.0", environment.With("WEBHOOK_SECRET", null));

        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("WEBHOOK_SECRET", migrate.StandardError);
        Assert.Contains("Field required", migrate.StandardError);
        Assert.DoesNotContain("Running upgrade", migrate.StandardError);
        Assert.DoesNotContain("Context impl", migrate.StandardError);
        Assert.Equal("002_asset_tags", await RevisionAsync(database));
    }

    [Fact]
    public async Task A_weak_SECRET_KEY_is_refused_without_printing_it()
    {
        var (database, environment) = await FreshDatabaseAsync();
        const string weakKey = "too-short-key";

        var migrate = await MigrateAsync("0.2.0", environment.With("SECRET_KEY", weakKey));

        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("SECRET_KEY", migrate.StandardError);
        Assert.Contains("at least 32 characters", migrate.StandardError);
        Assert.DoesNotContain(weakKey, migrate.AllOutput);
        Assert.False(await TableExistsAsync(database, "alembic_version"));
    }

    [Fact]
    public async Task Release_0_2_0_does_not_need_WEBHOOK_SECRET()
    {
        var (_, environment) = await FreshDatabaseAsync();

        var migrate = await MigrateAsync("0.2.0", environment.With("WEBHOOK_SECRET", null));

        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
    }

    [Fact]
    public async Task A_slowed_migration_logs_its_own_backfill_progress_through_alembics_logger()
    {
        var (database, environment) = await FreshDatabaseAsync();

        var migrate = await MigrateAsync("0.2.0", environment.With("NEXPLANE_MIGRATION_DELAY_MS", "200"));

        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        var initial = migrate.StandardError.Split('\n')
            .SkipWhile(line => !line.Contains("Running upgrade  -> 001_initial"))
            .Skip(1)
            .TakeWhile(line => !line.Contains("Running upgrade"))
            .ToList();
        Assert.Equal(new[] { 50, 100, 150, 200 }.Select(rows => $"INFO  [alembic.runtime.migration] backfilling 001_initial: {rows}/200 rows"), initial);
        Assert.Equal("002_asset_tags", await RevisionAsync(database));
    }

    [Fact]
    public async Task SIGTERM_during_a_slow_migration_rolls_back_and_exits_0()
    {
        var (database, environment) = await FreshDatabaseAsync();
        await using var migrate = await SandboxProcess.StartAsync(["migrate", "--release", "0.2.0"],
            environment.With("NEXPLANE_MIGRATION_DELAY_MS", "20000"));
        await migrate.WaitForLineAsync("Running upgrade  -> 001_initial");

        await migrate.StopAsync(); // SIGTERM; it fails the test if the process outlives it by 10 s (the migration takes 20 s)

        Assert.Equal(0, migrate.ExitCode);
        Assert.DoesNotContain("Application startup complete", migrate.AllOutput);
        Assert.Null(await RevisionAsync(database));
    }

    [Fact]
    public async Task An_unreachable_database_fails_with_a_traceback_that_hides_the_password()
    {
        const string password = "do-not-print-me";
        var environment = SandboxEnvironment.For($"postgresql://nexplane:{password}@127.0.0.1:{FreePort.Next()}/nexplane");

        var migrate = await MigrateAsync("0.3.0", environment);

        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("sqlalchemy.exc.OperationalError", migrate.StandardError);
        Assert.DoesNotContain(password, migrate.AllOutput);
        Assert.DoesNotContain(SandboxEnvironment.SecretKey, migrate.AllOutput);
        Assert.DoesNotContain(SandboxEnvironment.WebhookSecret, migrate.AllOutput);
    }

    [Fact]
    public async Task Without_release_option_the_release_file_baked_into_the_image_decides()
    {
        var (database, environment) = await FreshDatabaseAsync();
        var releaseFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(releaseFile, "v0.2.0\n");
        try
        {
            var migrate = await SandboxProcess.RunToExitAsync(["migrate"], environment.With("NEXPLANE_RELEASE_FILE", releaseFile));
            var unknown = await SandboxProcess.RunToExitAsync(["migrate", "--release", "9.9.9"], environment);

            Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
            Assert.Equal("002_asset_tags", await RevisionAsync(database));
            Assert.Equal(1, unknown.ExitCode);
            Assert.Contains("Unknown release '9.9.9'", unknown.StandardError);
        }
        finally
        {
            File.Delete(releaseFile);
        }
    }
}
