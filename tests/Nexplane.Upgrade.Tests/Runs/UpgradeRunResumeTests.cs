using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Tests.Steps.Rollback;
using Nexplane.Upgrade.Tests.Steps.StartBackend;

using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>
/// A resumed run reports the whole upgrade: the journal keeps when Stop began the downtime, when the backend answered
/// again, the backup and every migration, and the run that continues it takes them over.
/// </summary>
public sealed class UpgradeRunResumeTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("run-resume-").FullName;
    readonly RecordedOutput _output = new();

    static readonly DateTimeOffset StoppedAt = RecordedBackendStart.HealthyAt.AddSeconds(-35);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static AppliedMigration Migration(string from, string to) => new(from, to, "add a column", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1));

    /// <summary>The interrupted run, past Preflight: its journal on disk.</summary>
    UpgradeRun InterruptedRun()
    {
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Create(_directory, "u1", compose) };
        run.RecordPreflight(new PreflightReport
        {
            Current = NexplaneVersion.Parse("0.3.1"),
            Target = NexplaneVersion.Parse("0.3.2"),
            Services = [new ServiceUpgrade("backend", ImageReference.Parse("registry/backend:0.3.1"), ImageReference.Parse("registry/backend:0.3.2"), null)],
            Notices = [],
            KeptDatabases = [],
            Failures = [],
        }, backupAfterStop: false);
        run.Journal!.MarkCompleted(nameof(RunbookStep.Preflight));
        return run;
    }

    UpgradeRun Resumed(UpgradeRun interrupted)
    {
        var resumed = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Load(interrupted.Journal!.FilePath), RequestedVersion = "0.3.2" };
        resumed.ContinueFromJournal();
        return resumed;
    }

    [Fact]
    public async Task Stop_records_when_the_downtime_began_in_the_journal()
    {
        var run = InterruptedRun();

        await run.StopAppAsync(["backend"], new StopSettings("backend", TimeSpan.FromSeconds(5), "--stop-timeout", ""), new RecordedRollbackDeployment(),
            CancellationToken.None);

        Assert.NotNull(run.Report.DowntimeStartedAt);
        Assert.Equal(run.Report.DowntimeStartedAt, UpgradeJournal.Load(run.Journal!.FilePath).DowntimeStartedAt);
    }

    [Fact]
    public async Task A_resumed_run_that_stops_again_keeps_the_downtime_from_the_first_Stop()
    {
        var interrupted = InterruptedRun();
        interrupted.Journal!.Record.Append(new DowntimeBegan { At = StoppedAt });
        interrupted.Journal.Save();
        var resumed = Resumed(interrupted);

        await resumed.StopAppAsync(["backend"], new StopSettings("backend", TimeSpan.FromSeconds(5), "--stop-timeout", ""), new RecordedRollbackDeployment(),
            CancellationToken.None);

        Assert.Equal(StoppedAt, resumed.Report.DowntimeStartedAt);
        Assert.Equal(StoppedAt, UpgradeJournal.Load(resumed.Journal!.FilePath).DowntimeStartedAt);
    }

    [Fact]
    public async Task StartBackend_records_the_migrations_and_the_downtimes_end_in_the_journal()
    {
        var run = InterruptedRun();
        run.Report.Record.Append(new DowntimeBegan { At = StoppedAt });

        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([Migration("004", "005"), Migration("005", "006")], "006", DateTimeOffset.UnixEpoch));

        await run.StartBackendAsync(["backend"], _directory, deployment, deployment, CancellationToken.None);

        var journal = UpgradeJournal.Load(run.Journal!.FilePath);
        Assert.Equal(run.Report.Migrations, journal.Migrations);
        Assert.Equal(2, journal.Migrations.Count);
        Assert.Equal(RecordedBackendStart.HealthyAt, journal.DowntimeEndedAt);
    }

    [Fact]
    public void A_run_resumed_after_StartBackend_reports_the_backup_the_whole_downtime_and_every_migration()
    {
        var interrupted = InterruptedRun();
        var journal = interrupted.Journal!;
        journal.Record.Append(new BackupVerified("/backups/nexplane-backup-0.3.1.dump"));
        journal.Record.Append(new DowntimeBegan { At = StoppedAt });
        journal.Record.Append(new BackendAnswered { At = RecordedBackendStart.HealthyAt });
        journal.Record.Append(new MigrationsReported(["004 -> 005, add a column", "005 -> 006, add a column"], "006"));

        var resumed = Resumed(interrupted);
        resumed.FinishReport([new StepRecord("Verify", "Succeeded", 1, null)], verifySucceeded: true, succeeding: true, _directory);

        Assert.Equal("/backups/nexplane-backup-0.3.1.dump", resumed.Report.BackupFile);
        Assert.Equal(35, resumed.Report.DowntimeSeconds);
        Assert.Equal(["004 -> 005, add a column", "005 -> 006, add a column"], resumed.Report.Migrations);
        Assert.Equal("006", resumed.Report.MigrationHead);
        Assert.Contains("INF Upgraded and healthy: Nexplane 0.3.1 -> 0.3.2, downtime 35 s, backup /backups/nexplane-backup-0.3.1.dump", _output.Lines);
    }

    [Fact]
    public async Task A_run_resumed_during_the_migration_measures_the_downtime_from_the_interrupted_Stop_and_lists_each_migration_once()
    {
        var interrupted = InterruptedRun();
        interrupted.Journal!.Record.Append(new DowntimeBegan { At = StoppedAt });
        interrupted.Journal.Record.Append(new MigrationsReported([Migration("004", "005").ToString()], null));
        var resumed = Resumed(interrupted);

        // The backend's log is read from its start again: the migration the journal has comes again, with the one after it.
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([Migration("004", "005"), Migration("005", "006")], "006", DateTimeOffset.UnixEpoch));
        await resumed.StartBackendAsync(["backend"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Equal([Migration("004", "005").ToString(), Migration("005", "006").ToString()], resumed.Report.Migrations);
        Assert.Equal(35, resumed.Report.DowntimeSeconds);
        Assert.Contains("INF The backend answers /health again after 35 s of downtime", _output.Lines);
    }

    [Fact]
    public void A_journal_that_did_not_record_the_downtime_says_so_instead_of_a_figure()
    {
        var resumed = Resumed(InterruptedRun());

        resumed.FinishReport([new StepRecord("Verify", "Succeeded", 1, null)], verifySucceeded: true, succeeding: true, _directory);

        Assert.Null(resumed.Report.DowntimeSeconds);
        Assert.Contains("INF Upgraded and healthy: Nexplane 0.3.1 -> 0.3.2, downtime unknown, backup none", _output.Lines);
    }
}
