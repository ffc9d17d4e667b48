using EndToEnd.Tests.Sandbox;
using Nexplane.Upgrade.Database;

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

    BackupService Backups => new(new BackupFiles(backupDirectory), null, log.Add);

    RestoreService Restores => new(null, log.Add, warnings.Add);

    Task<BackupManifest> BackUpAsync(string database, BackupFormat format, string user = "postgres") =>
        Backups.BackUpAsync(new BackupRequest(Target(database, user), BackupMode.Host, format, "0.2.0",
            new Dictionary<string, string> { ["backend"] = "127.0.0.1:5000/youbetyourballs/nexplane-backend:0.2.0" }, null), CancellationToken.None);

    Task<RestoreResult> RestoreAsync(string database, string archive, string user = "postgres") =>
        Restores.RestoreAsync(new RestoreRequest(Target(database, user), archive, BackupMode.Host, null, Jobs: 2), CancellationToken.None);

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
        var role = $"limited_{Guid.NewGuid():N}"[..20];
        var database = $"nexplane_{Guid.NewGuid():N}"[..24];
        await SampleData.ExecuteAsync(postgres.ConnectionString("postgres"), $"create role {role} login nocreatedb");
        await SampleData.ExecuteAsync(postgres.ConnectionString("postgres"), $"create database {database} owner {role}");
        await SampleData.LoadAsync($"postgresql://{role}:unused@127.0.0.1:{postgres.Port}/{database}",
            postgres.ConnectionString(database).Replace("Username=postgres", $"Username={role}"));
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
}
