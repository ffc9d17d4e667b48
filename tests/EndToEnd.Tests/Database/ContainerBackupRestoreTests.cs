using Nexplane.Upgrade.Database;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Processes;

namespace EndToEnd.Tests.Database;

/// <summary>
/// Backup and restore with the tools inside the db container (the real prod compose does not publish the port),
/// streamed through the Docker API, against a password-protected PostgreSQL.
/// </summary>
[Collection(ContainerDatabaseCollection.Name)]
public sealed class ContainerBackupRestoreTests(DatabaseContainer db) : IDisposable
{
    readonly string backupDirectory = Path.Combine(Path.GetTempPath(), $"nexplane-backups-{Guid.NewGuid():N}");
    readonly List<string> log = [];
    readonly List<string> warnings = [];

    public void Dispose()
    {
        if (Directory.Exists(backupDirectory))
            Directory.Delete(backupDirectory, recursive: true);
    }

    Task<BackupManifest> BackUpAsync(string database, BackupFormat format, BackupMode mode = BackupMode.Container, string? password = null) =>
        new BackupService(new BackupFiles(backupDirectory), db.Exec, new CliWrapCommandRunner(), log.Add, TestAdvice.Nuke).BackUpAsync(
            new BackupRequest(db.Target(database, password), mode, format, "0.2.0", new Dictionary<string, string>(), db.Id), CancellationToken.None);

    Task<RestoreResult> RestoreAsync(string database, string archive, BackupMode mode = BackupMode.Container) =>
        new RestoreService(db.Exec, new CliWrapCommandRunner(), log.Add, warnings.Add, TestAdvice.Nuke).RestoreAsync(
            new RestoreRequest(db.Target(database), archive, mode, db.Id, Jobs: 2), CancellationToken.None);

    [Theory]
    [InlineData(BackupFormat.Custom)]
    [InlineData(BackupFormat.Plain)]
    public async Task A_backup_made_and_restored_inside_the_db_container_round_trips_table_by_table(BackupFormat format)
    {
        var database = await db.CreateSampleDatabaseAsync();
        var original = await SampleData.FingerprintAsync(db.ConnectionString(database));

        var manifest = await BackUpAsync(database, format);
        var archive = Path.Combine(backupDirectory, manifest.ArchiveFile);
        await SampleData.ExecuteAsync(db.ConnectionString(database), "truncate assets cascade; update alembic_version set version_num = '999_broken'");
        var result = await RestoreAsync(database, archive);

        Assert.Equal(BackupMode.Container, manifest.Mode);
        Assert.True(manifest.Verified);
        Assert.Equal(BackupFiles.Sha256Of(archive), manifest.Sha256);
        Assert.Equal([SampleData.Head], manifest.AlembicRevisions);
        Assert.StartsWith("pg_dump (PostgreSQL) 15", manifest.ToolVersion);
        Assert.Equal(BackupMode.Container, result.Mode);
        Assert.Equal(original, await SampleData.FingerprintAsync(db.ConnectionString(database)));
        Assert.Equal("999_broken", await ScalarAsync(result.KeptFailedDatabase!, "select version_num from alembic_version"));
        Assert.DoesNotContain(log, line => line.Contains(db.Password));
    }

    [Fact]
    public async Task A_container_backup_restores_on_the_host_with_parallel_jobs_and_vice_versa()
    {
        var database = await db.CreateSampleDatabaseAsync();
        var original = await SampleData.FingerprintAsync(db.ConnectionString(database));

        var inContainer = await BackUpAsync(database, BackupFormat.Custom);
        await RestoreAsync(database, Path.Combine(backupDirectory, inContainer.ArchiveFile), BackupMode.Host);
        Assert.Equal(original, await SampleData.FingerprintAsync(db.ConnectionString(database)));

        var onHost = await BackUpAsync(database, BackupFormat.Custom, BackupMode.Auto);
        Assert.Equal(BackupMode.Host, onHost.Mode);
        await RestoreAsync(database, Path.Combine(backupDirectory, onHost.ArchiveFile));
        Assert.Equal(original, await SampleData.FingerprintAsync(db.ConnectionString(database)));
    }

    [Fact]
    public async Task A_wrong_password_fails_before_anything_is_written_and_the_message_hides_it()
    {
        var database = await db.CreateSampleDatabaseAsync();
        const string wrongPassword = "definitely-not-the-password";

        var failure = await Assert.ThrowsAsync<DatabaseAccessException>(() => BackUpAsync(database, BackupFormat.Custom, password: wrongPassword));

        Assert.Contains($"refused user '{DatabaseContainer.User}'", failure.Message);
        Assert.Contains("--database-password", failure.Message);
        Assert.DoesNotContain(wrongPassword, failure.Message);
        Assert.DoesNotContain(db.Password, failure.Message);
        Assert.True(!Directory.Exists(backupDirectory) || Directory.GetFiles(backupDirectory).Length == 0);
    }

    [Fact]
    public async Task Without_the_container_id_container_mode_says_what_to_check()
    {
        var database = await db.CreateSampleDatabaseAsync();

        var failure = await Assert.ThrowsAsync<DatabaseToolsException>(() =>
            new BackupService(new BackupFiles(backupDirectory), db.Exec, new CliWrapCommandRunner(), log.Add, TestAdvice.Nuke).BackUpAsync(
                new BackupRequest(db.Target(database), BackupMode.Container, BackupFormat.Custom, "0.2.0", new Dictionary<string, string>(), null),
                CancellationToken.None));

        Assert.Contains("db container was not found", failure.Message);
    }

    async Task<string?> ScalarAsync(string database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
