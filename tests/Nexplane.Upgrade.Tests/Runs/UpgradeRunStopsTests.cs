using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Steps.VerifyMigrations;
using Nexplane.Upgrade.Tests.Operator;
using Nexplane.Upgrade.Tests.Steps.StartBackend;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>
/// An upgrade through a stop on the way (0.2.0 -> 0.3.0 -> 0.4.0): StartBackend passes the stop, the backend alone on
/// its version, checked and stopped, before the target's start; what is passed is recorded for a resumed run.
/// </summary>
public sealed class UpgradeRunStopsTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-stops-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static readonly DateTimeOffset StoppedAt = RecordedBackendStart.HealthyAt.AddSeconds(-10);

    static ImageReference Image(string tag) => ImageReference.Parse($"registry/backend:{tag}");

    UpgradeRun NewRun(string? journalDirectory = null)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        run.Journal = UpgradeJournal.Create(journalDirectory ?? _directory, run.Report.Id, compose);
        run.RecordPreflight(new PreflightReport
        {
            Current = NexplaneVersion.Parse("0.2.0"),
            Target = NexplaneVersion.Parse("0.4.0"),
            Services =
            [
                new ServiceUpgrade("backend", Image("0.2.0"), Image("0.4.0"), null),
                new ServiceUpgrade("worker", Image("0.2.0"), Image("0.4.0"), null),
            ],
            Stops = [new UpgradeStop(NexplaneVersion.Parse("0.3.0"), new ServiceUpgrade("backend", Image("0.2.0"), Image("0.3.0"), null))],
        }, backupAfterStop: false);
        run.Record.Append(new DowntimeBegan { At = StoppedAt });
        return run;
    }

    /// <summary>0.3.0's start applies 003 -> 004; 0.4.0's applies 004 -> 005.</summary>
    static RecordedBackendStart Deployment() =>
        new(file => file.EndsWith("-0.3.0.log")
            ? new MigrationOutcome([Migration("003", "004")], "004", DateTimeOffset.UnixEpoch)
            : new MigrationOutcome([Migration("004", "005")], "005", DateTimeOffset.UnixEpoch));

    static AppliedMigration Migration(string from, string to) => new(from, to, "a change", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task The_backend_alone_passes_the_stop_checked_and_stopped_before_the_target_starts()
    {
        var run = NewRun();
        var deployment = Deployment();

        await run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Equal(
        [
            "pin backend=0.3.0", "start backend", "watch migrations", "wait for health", "read alembic_version", "verify 0.3.0", "stop backend",
            "pin backend=0.4.0,worker=0.4.0", "start backend,worker", "watch migrations", "wait for health", "confirm stable backend,worker",
        ], deployment.Calls);
        var passed = Assert.Single(UpgradeJournal.Load(run.Journal!.FilePath).Record.PassedStops);
        Assert.Equal(("0.3.0", "004"), (passed.Version, passed.Head));
        Assert.Equal(["003 -> 004", "004 -> 005"], run.Report.Migrations.Select(m => m[..10]));
        Assert.Equal("2 over 2 hops, head 005", _output.Summary["Migrations"]);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Downtime by hop: 0.2.0 -> 0.3.0 10.0 s, 0.3.0 -> 0.4.0 0.0 s"));
    }

    [Fact]
    public async Task A_failed_check_at_the_stop_names_the_hop_and_the_target_never_starts()
    {
        var run = NewRun();
        var deployment = Deployment();
        deployment.FailingChecks.Add("version");

        var failure = await Assert.ThrowsAsync<VerificationFailedException>(() =>
            run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None));

        Assert.Contains("At the stop 0.3.0 the backend failed 1 of 3 check(s), so the next hop did not start", failure.Message);
        Assert.DoesNotContain(deployment.Calls, call => call.Contains("0.4.0"));
        Assert.Empty(UpgradeJournal.Load(run.Journal!.FilePath).Record.PassedStops);
        Assert.Contains(_output.Lines, line => line.StartsWith("ERR The hop 0.2.0 -> 0.3.0 failed; the whole upgrade is rolled back to 0.2.0"));
        Assert.Contains(run.Report.NextSteps, step => step.Contains("failed at the hop 0.2.0 -> 0.3.0"));
    }

    [Fact]
    public async Task A_failure_of_the_targets_hop_after_a_stop_names_that_hop()
    {
        var run = NewRun();
        var deployment = new RecordedBackendStart(file => file.EndsWith("-0.3.0.log")
            ? new MigrationOutcome([Migration("003", "004")], "004", DateTimeOffset.UnixEpoch)
            : throw new MigrationFailedException("the backend exited with code 1", file));

        await Assert.ThrowsAsync<MigrationFailedException>(() =>
            run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None));

        Assert.Contains(_output.Lines, line => line.StartsWith("ERR The hop 0.3.0 -> 0.4.0 failed; the whole upgrade is rolled back to 0.2.0"));
        Assert.Contains(run.Report.NextSteps, step => step.Contains("failed at the hop 0.3.0 -> 0.4.0"));
    }

    [Fact]
    public async Task A_database_that_does_not_hold_the_stops_head_stops_the_path()
    {
        var run = NewRun();
        var deployment = Deployment();
        deployment.Revisions = ["003"];

        var failure = await Assert.ThrowsAsync<MigrationVerificationException>(() =>
            run.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None));

        Assert.Contains("alembic_version is 003, but the backend's log reported head 004", failure.Message);
        Assert.DoesNotContain("verify 0.3.0", deployment.Calls);
        Assert.DoesNotContain(deployment.Calls, call => call.Contains("0.4.0"));
    }

    [Fact]
    public async Task A_resumed_run_goes_on_from_the_stop_after_the_last_one_passed()
    {
        var interrupted = NewRun();
        interrupted.Record.Append(new StopPassed("0.3.0", RecordedBackendStart.HealthyAt, "004"));
        var resumed = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Load(interrupted.Journal!.FilePath) };
        resumed.ContinueFromJournal();
        var deployment = Deployment();

        await resumed.StartBackendAsync(["backend", "worker"], _directory, deployment, deployment, CancellationToken.None);

        Assert.Equal("pin backend=0.4.0,worker=0.4.0", deployment.Calls[0]);
        Assert.DoesNotContain("verify 0.3.0", deployment.Calls);
    }

    [Fact]
    public void The_journal_keeps_the_stops_so_a_resumed_run_knows_them()
    {
        var run = NewRun();

        var resumed = ResumedPreflight.FromJournal(UpgradeJournal.Load(run.Journal!.FilePath));

        var stop = Assert.Single(resumed.Stops);
        Assert.Equal(("0.3.0", "backend", "registry/backend:0.3.0", "registry/backend:0.2.0"),
            (stop.Version.ToString(), stop.Backend.Service, stop.Backend.To.ToString(), stop.Backend.From.ToString()));
    }
}
