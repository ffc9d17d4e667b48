using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Backup;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Time;

namespace Nexplane.Upgrade.Tests.Steps.Backup;

/// <summary>Backup with the database's answers given as data: what it is labelled with, the write counters at its snapshot, its verdict, the retention.</summary>
public sealed class BackupStepTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"backup-step-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    public BackupStepTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    BackupInput Input(int retention = 5) =>
        new("0.2.0", new Dictionary<string, string> { ["backend"] = "registry/backend:0.2.0" }, new BackupPolicy(_directory, Retention: retention));

    [Fact]
    public async Task The_write_counters_are_taken_before_the_snapshot_and_the_archive_is_labelled_with_what_runs()
    {
        var database = new RecordedDatabaseBackup(new Dictionary<string, long> { ["assets"] = 10 });
        var clock = new AdvancingClock();

        var written = await new BackupStep(_output, clock).WriteAsync(Input(), database, CancellationToken.None);

        Assert.Equal(["write counters", "back up"], database.Calls);
        Assert.Equal(new Dictionary<string, long> { ["assets"] = 10 }, written.WriteCounters);
        Assert.Equal(clock.UtcNow, written.CountersTakenAt);
        Assert.Equal(("0.2.0", "registry/backend:0.2.0"), (database.Version, database.Images!["backend"]));
        Assert.Equal(database.Archive, written.Archive);
        Assert.False(written.Verified.IsCompleted);
    }

    [Fact]
    public async Task A_backup_checked_beside_pull_says_so_and_one_verified_says_that()
    {
        var database = new RecordedDatabaseBackup();
        var step = new BackupStep(_output);
        var written = await step.WriteAsync(Input(), database, CancellationToken.None);

        step.SayCheckedBesidePull(written);
        Assert.Equal($"{Path.GetFileName(database.Archive)} (0.0 MB, checked beside Pull)", _output.Summary["Backup"]);

        database.Verification.SetResult();
        step.SayVerified(await BackupStep.VerdictBeforeStopAsync(written));
        Assert.Equal($"{Path.GetFileName(database.Archive)} (0.0 MB, verified)", _output.Summary["Backup"]);
    }

    [Fact]
    public async Task A_decode_check_that_fails_before_the_stop_says_the_deployment_still_runs_the_previous_version()
    {
        var database = new RecordedDatabaseBackup();
        var written = await new BackupStep(_output).WriteAsync(Input(), database, CancellationToken.None);

        database.Verification.SetException(new BackupException("The archive does not decode (pg_restore exit code 1): truncated."));

        var refusal = await Assert.ThrowsAsync<BackupException>(() => BackupStep.VerdictBeforeStopAsync(written));
        Assert.Equal("The archive does not decode (pg_restore exit code 1): truncated. The archive was deleted; nothing was stopped, " +
                     "the deployment still runs the previous version.", refusal.Message);
    }

    [Fact]
    public async Task A_check_that_fails_for_another_reason_is_not_reworded()
    {
        var database = new RecordedDatabaseBackup();
        var written = await new BackupStep(_output).WriteAsync(Input(), database, CancellationToken.None);

        database.Verification.SetException(new InvalidOperationException("the database went away while counting"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => BackupStep.VerdictBeforeStopAsync(written));
        Assert.Equal("the database went away while counting", failure.Message);
    }

    [Fact]
    public async Task The_retention_deletes_older_backups_and_keeps_the_newest_verified()
    {
        var database = new RecordedDatabaseBackup();
        var step = new BackupStep(_output);
        await step.WriteAsync(Input(retention: 1), database, CancellationToken.None);

        step.ApplyRetention(new BackupPolicy(_directory, Retention: 1));

        var deleted = Assert.Single(_output.Lines);
        Assert.StartsWith("INF Retention (1): deleted the older backup", deleted);
        Assert.True(File.Exists(database.Archive));
        Assert.Single(Directory.GetFiles(_directory, "*.dump"));
    }
}
