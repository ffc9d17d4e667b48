using CliWrap;
using CliWrap.Buffered;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Database;
using Npgsql;

namespace EndToEnd.Tests.Database;

/// <summary>A sandbox deployment on 0.2.0 of its own (instance 41) for the Backup and Restore targets.</summary>
public sealed class DatabaseTargetSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(41);

    public Task InitializeAsync() => Sandbox.StartFreshAsync("0.2.0");

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

/// <summary>./build.sh Backup and ./build.sh Restore against a real compose deployment, as an operator runs them.</summary>
public sealed class BackupAndRestoreTargetTests(DatabaseTargetSandbox fixture) : IClassFixture<DatabaseTargetSandbox>
{
    readonly SandboxInstance sandbox = fixture.Sandbox;

    [Fact]
    public async Task Restore_is_refused_while_another_run_holds_the_deployments_lock()
    {
        var journals = Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "upgrade");
        Directory.CreateDirectory(journals);
        var lockFile = Nexplane.Upgrade.Runbook.UpgradeLock.PathFor(journals, sandbox.ComposeFile);
        // Held by this test's own (running) process, taken now: as an upgrade in progress holds it.
        await File.WriteAllTextAsync(lockFile, System.Text.Json.JsonSerializer.Serialize(new Nexplane.Upgrade.Runbook.LockOwner(
            "root", Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, "./build.sh Upgrade --version 0.3.0")));
        try
        {
            var refused = await BuildScript.RunAsync(["Restore", "--no-logo", .. sandbox.ToolArguments]);

            Assert.True(refused.ExitCode != 0, refused.ToString());
            Assert.Contains("Another upgrade holds the lock", refused.Output);
            Assert.DoesNotContain("Restoring into the new database", refused.Output);
        }
        finally
        {
            File.Delete(lockFile);
        }
    }

    [Fact]
    public async Task Backup_writes_a_verified_archive_inside_the_db_container_and_Restore_refuses_until_the_app_is_stopped_then_keeps_the_old_database()
    {
        var backup = await BuildScript.RunAsync(["Backup", "--no-logo", "--version", "0.3.0", "--accept-breaking-changes", "--backup-mode", "Container",
            .. sandbox.ToolArguments]);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.Contains("Backup verified", backup.Output);
        var archive = new BackupFiles(sandbox.BackupDirectory).NewestVerified();
        Assert.NotNull(archive);
        var manifest = BackupManifest.Read(BackupManifest.PathFor(archive));
        Assert.Equal(BackupMode.Container, manifest.Mode);
        Assert.Equal("0.2.0", manifest.NexplaneVersion);
        Assert.Equal(["002_asset_tags"], manifest.AlembicRevisions);
        Assert.Contains("backend", manifest.Images.Keys);
        // The database the backup was taken from, as PostgreSQL names it: an implicit Restore takes only a backup of it.
        Assert.Equal("nexplane", manifest.DatabaseIdentity!.Name);
        Assert.Matches("^[0-9]+$", manifest.DatabaseIdentity.SystemIdentifier);
        var password = Nexplane.Upgrade.Compose.DotEnvFile.Load(sandbox.EnvFile)["POSTGRES_PASSWORD"]!;
        Assert.DoesNotContain(password, backup.Output);

        var refused = await BuildScript.RunAsync(["Restore", "--no-logo", .. sandbox.ToolArguments]);
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains("Refusing to restore while app services still use the database", refused.Output);
        Assert.Contains("stop backend worker", refused.Output);

        await ComposeAsync("stop", "backend", "worker", "frontend");
        await ExecuteAsync(password, "nexplane", "delete from assets where id > 10");
        var restored = await BuildScript.RunAsync(["Restore", "--no-logo", .. sandbox.ToolArguments]);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("the replaced database is kept as nexplane_failed_", restored.Output);
        Assert.Equal(53L, await ScalarAsync(password, "nexplane", "select count(*) from assets")); // 50 seeded, 3 agent hosts
        Assert.DoesNotContain(password, restored.Output);
    }

    async Task ComposeAsync(params string[] arguments)
    {
        var result = await Cli.Wrap("docker-compose")
            .WithArguments(["-f", sandbox.ComposeFile, "-p", sandbox.Project, .. arguments])
            .WithWorkingDirectory(sandbox.DeployDirectory)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    string ConnectionString(string password, string database) =>
        $"Host=127.0.0.1;Port={sandbox.DatabasePort};Username=nexplane;Password={password};Database={database};Pooling=false";

    async Task ExecuteAsync(string password, string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(password, database));
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    async Task<long> ScalarAsync(string password, string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(password, database));
        await connection.OpenAsync();
        return (long)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
    }
}
