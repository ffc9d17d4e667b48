using EndToEnd.Tests.Sandbox;
using Nexplane.Upgrade.Database;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Processes;

namespace EndToEnd.Tests.Database;

/// <summary>Backup, verification and restore with this machine's PostgreSQL tools against a private cluster.</summary>
[Collection(HostDatabaseCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostBackupRestoreTests(PostgresCluster postgres) : IDisposable
{
    readonly string backupDirectory = Path.Combine(Path.GetTempPath(), $"nexplane-backups-{Guid.NewGuid():N}");
    readonly List<string> log = [];
    readonly List<string> warnings = [];

    public void Dispose()
    {
        if (Directory.Exists(backupDirectory))
            Directory.Delete(backupDirectory, recursive: true);
    }

    async Task<string> SampleDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await SampleData.LoadAsync(postgres.DatabaseUrl(database), postgres.ConnectionString(database));
        return database;
    }

    DatabaseTarget Target(string database, string user = "postgres") => new("127.0.0.1", postgres.Port, database, user, null);

    BackupService Backups => new(new BackupFiles(backupDirectory), null, new CliWrapCommandRunner(), log.Add, TestAdvice.Nuke);

    RestoreService Restores => new(null, new CliWrapCommandRunner(), log.Add, warnings.Add, TestAdvice.Nuke);

    Task<BackupManifest> BackUpAsync(string database, BackupFormat format, string user = "postgres") =>
        Backups.BackUpAsync(new BackupRequest(Target(database, user), BackupMode.Host, format, "0.2.0",
            new Dictionary<string, string> { ["backend"] = "127.0.0.1:5000/youbetyourballs/nexplane-backend:0.2.0" }, null), CancellationToken.None);

    Task<RestoreResult> RestoreAsync(string database, string archive, string user = "postgres", int jobs = 2) =>
        Restores.RestoreAsync(new RestoreRequest(Target(database, user), archive, BackupMode.Host, null, Jobs: jobs), CancellationToken.None);

    /// <summary>Changes one letter inside the archive's table data: the archive still loads, only its sha256 differs.</summary>
    static void ChangeOneLetterOfData(string archive, string text)
    {
        var bytes = File.ReadAllBytes(archive);
        var at = bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.True(at >= 0, $"'{text}' is not in the archive");
        bytes[at] = (byte)(bytes[at] == (byte)'x' ? 'y' : 'x');
        File.WriteAllBytes(archive, bytes);
    }

    async Task<List<string>> RestoreAndFailedDatabasesAsync(string database) =>
        await postgres.ColumnAsync("postgres", $"select datname from pg_database where datname like '{database}\\_%'");

    string ArchivePath(BackupManifest manifest) => Path.Combine(backupDirectory, manifest.ArchiveFile);

    [Theory]
    [InlineData(BackupFormat.Custom, ".dump")]
    [InlineData(BackupFormat.Plain, ".sql")]
    public async Task A_backup_restores_table_by_table_into_a_new_database_and_the_replaced_one_is_kept(BackupFormat format, string extension)
    {
        var database = await SampleDatabaseAsync();
        var original = await SampleData.FingerprintAsync(postgres.ConnectionString(database));

        var manifest = await BackUpAsync(database, format);

        var archive = ArchivePath(manifest);
        Assert.Matches(@"^nexplane-backup-\d{8}-\d{6}-0\.2\.0" + System.Text.RegularExpressions.Regex.Escape(extension) + "$", manifest.ArchiveFile);
        Assert.True(manifest.Verified);
        Assert.Equal(BackupFiles.Sha256Of(archive), manifest.Sha256);
        Assert.Equal(new FileInfo(archive).Length, manifest.SizeBytes);
        Assert.Equal([SampleData.Head], manifest.AlembicRevisions);
        Assert.Equal(500, manifest.RowCounts["public.awkward_values"]);
        Assert.Equal(50, manifest.RowCounts["public.assets"]);
        Assert.Equal(BackupMode.Host, manifest.Mode);
        Assert.StartsWith("pg_dump (PostgreSQL) 15", manifest.ToolVersion);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(BackupManifest.PathFor(archive)));
        Assert.Empty(Directory.GetFiles(backupDirectory, "*.partial"));
        Assert.Equal(archive, new BackupFiles(backupDirectory).NewestVerified());

        // The upgrade "breaks" the database; the restore must bring back exactly the backed-up contents.
        await SampleData.ExecuteAsync(postgres.ConnectionString(database),
            "update alembic_version set version_num = '004_backfill_asset_owner'; delete from awkward_values where id > 100; create table junk (x int)");

        var result = await RestoreAsync(database, archive);

        Assert.Equal(database, result.Database);
        Assert.False(result.RestoredInPlace);
        Assert.NotNull(result.KeptFailedDatabase);
        Assert.StartsWith(database + "_failed_", result.KeptFailedDatabase);
        Assert.Equal(original, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
        Assert.Equal(100L, await postgres.ScalarAsync<long>(result.KeptFailedDatabase!, "select count(*) from awkward_values"));
        Assert.Equal("004_backfill_asset_owner", await postgres.ScalarAsync<string>(result.KeptFailedDatabase!, "select version_num from alembic_version"));
        var leftovers = await postgres.ColumnAsync("postgres", $"select datname from pg_database where datname like '{database}_restore_%'");
        Assert.Empty(leftovers);
        // The next Preflight names the kept database with its size: nothing removes it, and it takes room.
        var kept = Assert.Single(await new DatabaseInspector(Target(database), TestAdvice.Nuke).KeptDatabasesAsync(CancellationToken.None));
        Assert.Equal(result.KeptFailedDatabase, kept.Name);
        Assert.True(kept.SizeBytes > 0, $"no size for {kept.Name}");
    }

    [Fact]
    public async Task A_truncated_archive_is_never_trusted_and_its_restore_is_refused_with_the_database_untouched()
    {
        var database = await SampleDatabaseAsync();
        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        var archive = ArchivePath(manifest);
        var before = await SampleData.FingerprintAsync(postgres.ConnectionString(database));

        await using (var file = new FileStream(archive, FileMode.Open))
            file.SetLength(file.Length / 2);

        Assert.Null(new BackupFiles(backupDirectory).NewestVerified());
        var bySha = await Assert.ThrowsAsync<BackupException>(() => RestoreAsync(database, archive));
        Assert.Contains("no longer matches the sha256", bySha.Message);

        // Even with a manifest that agrees with the cut file, loading it into the new database fails and leaves the old one.
        File.WriteAllText(BackupManifest.PathFor(archive), (manifest with { Sha256 = BackupFiles.Sha256Of(archive) }).ToJson());
        var byLoad = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(database, archive));
        Assert.Contains("was not changed", byLoad.Message);
        Assert.Equal(before, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
    }

    [Fact]
    public async Task A_plain_dump_cut_short_is_detected_by_its_missing_trailer()
    {
        var database = await SampleDatabaseAsync();
        var manifest = await BackUpAsync(database, BackupFormat.Plain);
        var archive = ArchivePath(manifest);
        var text = await File.ReadAllTextAsync(archive);
        await File.WriteAllTextAsync(archive, text[..(text.Length * 2 / 3)]);
        File.WriteAllText(BackupManifest.PathFor(archive), (manifest with { Sha256 = BackupFiles.Sha256Of(archive) }).ToJson());

        var refused = await Assert.ThrowsAsync<BackupException>(() => RestoreAsync(database, archive));

        Assert.Contains("cut short", refused.Message);
    }

    [Fact]
    public async Task A_full_disk_fails_the_backup_clearly_and_leaves_no_partial_file()
    {
        var database = await SampleDatabaseAsync();
        // About 20 MB of md5 text: far more than the 2 MB filesystem holds, even compressed.
        await SampleData.ExecuteAsync(postgres.ConnectionString(database),
            "create table bulk as select n, md5(n::text) || md5((n + 1)::text) as a, md5((n * 7)::text) as b from generate_series(1, 200000) n");
        using var smallDisk = await SmallFilesystem.MountAsync(backupDirectory, sizeMegabytes: 2);

        var failure = await Assert.ThrowsAsync<BackupException>(() => BackUpAsync(database, BackupFormat.Custom));

        Assert.Contains("ran out of space", failure.Message);
        Assert.Contains(backupDirectory, failure.Message);
        Assert.Empty(Directory.GetFiles(backupDirectory));
    }

    [Fact]
    public async Task A_role_that_cannot_create_databases_gets_an_in_place_restore_and_is_told_so()
    {
        var (role, database) = await SampleDatabaseOfRoleWithoutCreateDbAsync();
        var original = await SampleData.FingerprintAsync(postgres.ConnectionString(database));
        var manifest = await BackUpAsync(database, BackupFormat.Custom, role);
        await SampleData.ExecuteAsync(postgres.ConnectionString(database).Replace("Username=postgres", $"Username={role}"),
            "delete from assets; create table junk (x int)");

        var result = await RestoreAsync(database, ArchivePath(manifest), role);

        Assert.True(result.RestoredInPlace);
        Assert.Null(result.KeptFailedDatabase);
        Assert.Contains(warnings, warning => warning.Contains("cannot create databases") && warning.Contains("NOT kept"));
        Assert.Equal(original, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
    }

    [Fact]
    public async Task A_restore_that_does_not_match_the_manifest_is_dropped_and_the_database_is_left_alone()
    {
        var database = await SampleDatabaseAsync();
        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        var archive = ArchivePath(manifest);
        var counts = new Dictionary<string, long>(manifest.RowCounts) { ["public.assets"] = 51 };
        File.WriteAllText(BackupManifest.PathFor(archive), (manifest with { RowCounts = counts }).ToJson());
        var before = await SampleData.FingerprintAsync(postgres.ConnectionString(database));

        var failure = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(database, archive));

        Assert.Contains("public.assets: 50 rows, the manifest says 51", failure.Message);
        Assert.Equal(before, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
        Assert.Empty(await postgres.ColumnAsync("postgres", $"select datname from pg_database where datname like '{database}\\_%'"));
    }

    [Fact]
    public async Task An_archive_without_a_manifest_is_refused()
    {
        var database = await SampleDatabaseAsync();
        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        File.Delete(BackupManifest.PathFor(ArchivePath(manifest)));

        var failure = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(database, ArchivePath(manifest)));

        Assert.Contains("has no manifest", failure.Message);
    }

    [Fact]
    public async Task Rows_written_during_the_backup_do_not_make_the_manifest_disagree_with_the_archive()
    {
        var database = await SampleDatabaseAsync();
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var n = 10_000;
            while (!writing.IsCancellationRequested)
                await SampleData.ExecuteAsync(postgres.ConnectionString(database), $"insert into awkward_values (id, label) values ({n++}, 'late')");
        });

        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        await writing.CancelAsync();
        await writer;

        // Restoring verifies the archive's row counts against the manifest's: they come from the same snapshot.
        var result = await RestoreAsync(database, ArchivePath(manifest));
        Assert.Equal(manifest.RowCounts["public.awkward_values"], await postgres.ScalarAsync<long>(database, "select count(*) from awkward_values"));
        Assert.NotNull(result.KeptFailedDatabase);
    }

    [Fact]
    public async Task An_archive_changed_after_its_backup_is_caught_by_the_sha256_computed_during_the_load_and_never_swapped_in()
    {
        var database = await SampleDatabaseAsync();
        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        var archive = ArchivePath(manifest);
        ChangeOneLetterOfData(archive, "naïve ✓ 250");
        await SampleData.ExecuteAsync(postgres.ConnectionString(database), "update alembic_version set version_num = '004_backfill_asset_owner'");
        var before = await SampleData.FingerprintAsync(postgres.ConnectionString(database));

        var refused = await Assert.ThrowsAsync<BackupException>(() => RestoreAsync(database, archive));

        Assert.Contains("no longer matches the sha256", refused.Message);
        Assert.Equal(before, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
        Assert.Empty(await RestoreAndFailedDatabasesAsync(database));
    }

    [Fact]
    public async Task An_in_place_restore_checks_the_sha256_before_it_empties_anything()
    {
        var (role, database) = await SampleDatabaseOfRoleWithoutCreateDbAsync();
        var manifest = await BackUpAsync(database, BackupFormat.Custom, role);
        ChangeOneLetterOfData(ArchivePath(manifest), "naïve ✓ 250");
        var before = await SampleData.FingerprintAsync(postgres.ConnectionString(database));

        var refused = await Assert.ThrowsAsync<BackupException>(() => RestoreAsync(database, ArchivePath(manifest), role));

        Assert.Contains("no longer matches the sha256", refused.Message);
        Assert.Empty(warnings);
        Assert.Equal(before, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
    }

    [Fact]
    public async Task A_big_table_is_loaded_over_several_connections_and_comes_back_row_for_row()
    {
        var database = await postgres.CreateDatabaseAsync();
        // About 6 MB of awkward rows: several 1 MB chunks, so every connection gets some of the table.
        await SampleData.LoadAsync(postgres.DatabaseUrl(database), postgres.ConnectionString(database), extraRows: 40_000);
        await SampleData.ExecuteAsync(postgres.ConnectionString(database),
            "create table serials (id serial primary key, label text); insert into serials (label) select 'n' || n from generate_series(1, 77) n");
        var original = await SampleData.FingerprintAsync(postgres.ConnectionString(database));
        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        await SampleData.ExecuteAsync(postgres.ConnectionString(database), "delete from awkward_values where id % 2 = 0");

        var result = await RestoreAsync(database, ArchivePath(manifest), jobs: 3);

        Assert.Equal(original, await SampleData.FingerprintAsync(postgres.ConnectionString(database)));
        Assert.Contains(log, line => line.Contains("over 3 connections"));
        Assert.Contains(result.Phases, phase => phase.Phase.StartsWith("load: data (3 COPY connections)"));
        // The sequence value came back too (pg_restore's part of the data section), and the indexes (post-data).
        Assert.Equal(78, await postgres.ScalarAsync<int>(database, "select nextval('serials_id_seq')::int"));
        Assert.Equal(1L, await postgres.ScalarAsync<long>(database, "select count(*) from pg_indexes where indexname = 'awkward_values_label'"));
    }

    [Fact]
    public async Task A_database_that_is_not_UTF8_is_loaded_by_pg_restore_alone_after_the_parallel_load_declines()
    {
        var database = $"nexplane_{Guid.NewGuid():N}"[..24];
        await SampleData.ExecuteAsync(postgres.ConnectionString("postgres"),
            $"create database {database} encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0");
        await SampleData.ExecuteAsync(postgres.ConnectionString(database), """
            create table alembic_version (version_num varchar(32) primary key);
            insert into alembic_version values ('002_asset_tags');
            create table notes (id int primary key, body text);
            insert into notes select n, 'café ' || n from generate_series(1, 2000) n;
            """);
        var manifest = await BackUpAsync(database, BackupFormat.Custom);
        await SampleData.ExecuteAsync(postgres.ConnectionString(database), "delete from notes");

        var result = await RestoreAsync(database, ArchivePath(manifest));

        Assert.Contains(warnings, warning => warning.Contains("LATIN1") && warning.Contains("pg_restore alone"));
        Assert.Equal(2000L, await postgres.ScalarAsync<long>(database, "select count(*) from notes"));
        Assert.Equal("café 7", await postgres.ScalarAsync<string>(database, "select body from notes where id = 7"));
        Assert.NotNull(result.KeptFailedDatabase);
    }

    /// <summary>A sample database owned by a new role that may log in but not create databases.</summary>
    async Task<(string Role, string Database)> SampleDatabaseOfRoleWithoutCreateDbAsync()
    {
        var role = $"limited_{Guid.NewGuid():N}"[..20];
        var database = $"nexplane_{Guid.NewGuid():N}"[..24];
        await SampleData.ExecuteAsync(postgres.ConnectionString("postgres"), $"create role {role} login nocreatedb");
        await SampleData.ExecuteAsync(postgres.ConnectionString("postgres"), $"create database {database} owner {role}");
        await SampleData.LoadAsync($"postgresql://{role}:unused@127.0.0.1:{postgres.Port}/{database}",
            postgres.ConnectionString(database).Replace("Username=postgres", $"Username={role}"));
        return (role, database);
    }
}
