using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Steps.StartBackend;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run records of StartBackend (Steps/StartBackend judges the start; StartBackendStepTests specify it).</summary>
public sealed class UpgradeRunStartBackendTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-start-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeRun NewRun()
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        run.Journal = UpgradeJournal.Create(_directory, run.Report.Id, compose);
        run.RecordPreflight(new PreflightReport
        {
            Current = NexplaneVersion.Parse("0.2.0"),
            Target = NexplaneVersion.Parse("0.3.0"),
            Services =
            [
                new ServiceUpgrade("backend", ImageReference.Parse("registry/backend:0.2.0"), ImageReference.Parse("registry/backend:0.3.0"), null),
                new ServiceUpgrade("worker", ImageReference.Parse("registry/backend:0.2.0"), ImageReference.Parse("registry/backend:0.3.0"), null),
            ],
            Notices = [],
            KeptDatabases = [],
            Failures = [],
        }, backupAfterStop: false);
        return run;
    }

    static AppliedMigration Migration(string from, string to) => new(from, to, "add a column", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_migration_failure_is_recorded_in_the_journal_with_the_file_that_keeps_the_output()
    {
        var run = NewRun();
        var deployment = new RecordedBackendStart(file => throw new MigrationFailedException("the backend exited with code 1", file));

        await Assert.ThrowsAsync<MigrationFailedException>(() => run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None));

        var outputFile = Path.Combine(_directory, $"migration-output-{run.Report.Id}.log");
        Assert.Equal(outputFile, UpgradeJournal.Load(run.Journal!.FilePath).MigrationErrorFile);
        Assert.Contains(run.Report.NextSteps, step => step.Contains(outputFile));
        Assert.Contains($"ERR The backend's full output is saved in {outputFile}", _output.Lines);
        // A backend that did not start is not waited for: the rollback comes next.
        Assert.Equal(["pin backend=0.3.0,worker=0.3.0", "start backend,worker", "watch migrations"], deployment.Calls);
    }

    [Fact]
    public async Task The_head_the_log_reported_is_recorded_for_VerifyMigrations_and_a_resumed_run()
    {
        var run = NewRun();
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([Migration("003", "004"), Migration("004", "005")], "005", DateTimeOffset.UnixEpoch));

        await run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Equal("005", run.MigrationHeadFromLogs);
        Assert.Equal("005", UpgradeJournal.Load(run.Journal!.FilePath).MigrationHead);
        Assert.Equal("005", run.Report.MigrationHead);
        Assert.Equal(2, run.Report.Migrations.Count);
        Assert.Equal("2, head 005", _output.Summary["Migrations"]);
        Assert.Equal(
            ["pin backend=0.3.0,worker=0.3.0", "start backend,worker", "watch migrations", "wait for health", "confirm stable backend,worker"],
            deployment.Calls);
    }

    [Fact]
    public async Task The_head_is_in_the_journal_before_the_health_wait_so_a_run_killed_there_resumes_with_it()
    {
        var run = NewRun();
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([Migration("004", "005")], "005", DateTimeOffset.UnixEpoch),
            unhealthy: new TimeoutException("no answer"));

        await Assert.ThrowsAsync<TimeoutException>(() => run.StartBackendAsync(["backend"], _directory, deployment, deployment, CancellationToken.None));

        Assert.Equal("005", UpgradeJournal.Load(run.Journal!.FilePath).MigrationHead);
        Assert.Null(run.Report.DowntimeEndedAt);
    }

    [Fact]
    public async Task The_downtime_ends_when_the_backend_first_answers_its_health_endpoint()
    {
        var run = NewRun();
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([], null, DateTimeOffset.UnixEpoch));

        await run.StartBackendAsync(["backend"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Equal(RecordedBackendStart.HealthyAt, run.Report.DowntimeEndedAt);
    }

    [Fact]
    public async Task With_nothing_pending_the_head_stays_unknown_and_the_database_alone_decides()
    {
        var run = NewRun();
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([], null, DateTimeOffset.UnixEpoch));

        await run.StartBackendAsync(["backend"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Null(run.MigrationHeadFromLogs);
        Assert.Null(run.Report.MigrationHead);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF No migration was pending; startup completed; the backend's output during its start-up is saved in "));
        Assert.Equal("0, head unchanged", _output.Summary["Migrations"]);
    }

    [Fact]
    public async Task The_services_are_pinned_to_Preflights_tags_and_the_journal_keeps_each_file_before_it_is_written()
    {
        var run = NewRun();
        var envFile = Path.Combine(_directory, ".env");
        File.WriteAllText(envFile, "BACKEND_TAG=0.2.0\n");
        var deployment = new RecordedBackendStart(_ => new MigrationOutcome([], null, DateTimeOffset.UnixEpoch), pinnedFile: envFile);

        await run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Equal("pin backend=0.3.0,worker=0.3.0", deployment.Calls[0]);
        var journal = UpgradeJournal.Load(run.Journal!.FilePath);
        var kept = Assert.Single(journal.ChangedFiles);
        Assert.Equal(envFile, kept.Path);
        Assert.Equal("BACKEND_TAG=0.2.0\n", File.ReadAllText(kept.CopyOfOriginal));
        Assert.Equal([Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("BACKEND_TAG=0.3.0\n"u8))], journal.WrittenFiles[envFile]);
    }
}
