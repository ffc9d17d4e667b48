using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Tests.Steps.Backup;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run keeps of the backup: what a rollback restores, and the writes the backup missed.</summary>
public sealed class UpgradeRunBackupTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-backup-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    static Task<IReadOnlyDictionary<string, long>> Counters(params (string Table, long Writes)[] tables) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(tables.ToDictionary(t => t.Table, t => t.Writes));

    [Fact]
    public void The_verified_backup_is_in_the_journal_for_a_later_rollback()
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Create(_directory, "u1", compose) };
        run.RecordBackup("/backups/nexplane-0.2.0.dump", ["004"]);

        var saved = UpgradeJournal.Load(run.Journal.FilePath);
        Assert.Equal(("/backups/nexplane-0.2.0.dump", "004"), (saved.BackupFile, saved.RevisionBefore));
        Assert.Equal("/backups/nexplane-0.2.0.dump", run.Report.BackupFile);
    }

    [Fact]
    public async Task The_backup_is_labelled_with_the_running_version_and_images_recorded_and_older_backups_pruned()
    {
        var run = RunAfterPreflight("u2");
        var database = new RecordedDatabaseBackup();
        database.Verification.SetResult();

        await run.BackUpAsync(database, new BackupPolicy(_directory, Retention: 1), CancellationToken.None);

        Assert.Equal(("0.2.0", "registry/backend:0.2.0"), (database.Version, database.Images!["backend"]));
        Assert.Equal((database.Archive, "004"), (UpgradeJournal.Load(run.Journal!.FilePath).BackupFile, run.Journal.RevisionBefore));
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Retention (1): deleted the older backup"));
    }

    UpgradeRun RunAfterPreflight(string journalId)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Create(_directory, journalId, compose) };
        run.RecordPreflight(new PreflightReport
        {
            Current = NexplaneVersion.Parse("0.2.0"),
            Target = NexplaneVersion.Parse("0.3.0"),
            Services = [new ServiceUpgrade("backend", ImageReference.Parse("registry/backend:0.2.0"), ImageReference.Parse("registry/backend:0.3.0"), null)],
        }, backupAfterStop: false);
        return run;
    }

    /// <summary>A run past Preflight whose backup is written and still being checked.</summary>
    async Task<(UpgradeRun Run, RecordedDatabaseBackup Database)> BackupStartedAsync(string journalId)
    {
        var run = RunAfterPreflight(journalId);
        var database = new RecordedDatabaseBackup();
        await run.StartBackUpAsync(database, new BackupPolicy(_directory, Retention: 5), CancellationToken.None);
        return (run, database);
    }

    [Fact]
    public async Task A_backup_taken_before_pull_counts_for_the_rollback_only_once_its_decode_check_passed()
    {
        var (run, database) = await BackupStartedAsync("u3");
        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).BackupFile);
        Assert.False(UpgradeJournal.Load(run.Journal.FilePath).HasCompleted("Backup"));

        database.Verification.SetResult();
        await run.EnsureBackupVerifiedAsync();

        var journal = UpgradeJournal.Load(run.Journal.FilePath);
        Assert.Equal(database.Archive, journal.BackupFile);
        Assert.True(journal.HasCompleted("Backup"));
        Assert.Equal(database.Archive, run.Report.BackupFile);
    }

    [Fact]
    public async Task A_backup_whose_decode_check_fails_stops_the_upgrade_before_anything_is_stopped()
    {
        var (run, database) = await BackupStartedAsync("u4");

        database.Verification.SetException(new BackupException("The archive does not decode (pg_restore exit code 1): truncated."));

        var refusal = await Assert.ThrowsAsync<BackupException>(run.EnsureBackupVerifiedAsync);
        Assert.Contains("does not decode", refusal.Message);
        Assert.Contains("nothing was stopped", refusal.Message);
        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).BackupFile);
        Assert.False(UpgradeJournal.Load(run.Journal.FilePath).HasCompleted("Backup"));
    }

    [Fact]
    public async Task A_run_that_ended_before_the_verdict_waits_for_it_at_the_end_and_reports_a_failure_without_throwing()
    {
        var (run, database) = await BackupStartedAsync("u6");
        database.Verification.SetException(new InvalidOperationException("the database went away while counting"));

        await run.SettleBackupBeingVerifiedAsync();

        Assert.Contains(_output.Lines, line => line.StartsWith("WRN The backup did not pass its check") && line.Contains("went away"));
        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).BackupFile);
    }
}
