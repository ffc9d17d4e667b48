using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Rollback;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rollback;

/// <summary>
/// The rollback's use of the horizon Stop recorded, with PostgreSQL's answers given as data: the restore is skipped
/// only on a complete proof, and every journal or answer that cannot give one restores as before.
/// </summary>
public sealed class TransactionHorizonProofTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"rollback-horizon-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly RecordedRollbackProgress _record = new();
    readonly Nexplane.Upgrade.Tests.Time.AdvancingClock _clock = new();


    // The tool's own wait for transactions in progress; the clock makes it take no time.
    static readonly RollbackSettings Settings = new(["db", "redis"], "frontend", TestAdvice.Nuke, "https://github.com/owner/nexplane/issues") { InProgressSettleTime = TimeSpan.FromSeconds(5) };

    static readonly DateTimeOffset ServerStarted = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    static readonly TransactionHorizon AtStop = new(1001, 1001, [], ServerStarted, 16384, ["002_asset_tags"], "digest", ServerStarted.AddHours(4));

    static HorizonCheck Check(long committed = 0, long inProgress = 0) =>
        new(1004, new TransactionStatuses(3, committed, 3 - committed - inProgress, inProgress, 0, committed > 0 ? 1002 : null),
            ServerStarted, 16384, ["002_asset_tags"], "digest");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    UpgradeJournal MigrationFailedJournal(TransactionHorizon? horizon)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.1"));
        journal.Record.Append(new BackupVerified("/backups/before.dump"));
        journal.PreviousImages["backend"] = "nexplane-backend:0.2.0";
        journal.PreviousImages["worker"] = "nexplane-worker:0.2.0";
        foreach (var step in new[] { RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop })
            journal.MarkCompleted(step.ToString());
        journal.TransactionHorizon = horizon;
        journal.Save();
        return journal;
    }

    /// <summary>As the run calls it: planned from the steps this run began, or (null) from the journal alone.</summary>
    Task<RollbackResult> RollBackAsync(UpgradeJournal journal, IReadOnlyCollection<RunbookStep>? startedInThisRun, RecordedRollbackDeployment deployment) =>
        new RollbackStep(_output, _clock).RunAsync(
            new RollbackInput(journal, RollbackPlan.For(journal, startedInThisRun ?? InterruptedRun.StartedSteps(journal), TestAdvice.Nuke), Settings),
            deployment, _record, CancellationToken.None);

    [Fact]
    public async Task After_a_failed_migration_that_committed_nothing_the_rollback_skips_the_restore_and_says_why()
    {
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();
        deployment.HorizonChecks.Enqueue(Check());

        var result = await RollBackAsync(journal, [RunbookStep.StartBackend], deployment);

        Assert.Equal(["stop backend,worker", "check horizon", "start backend,worker", "watch backend start", "wait for health", "verify 0.2.0"],
            deployment.Calls);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Database not restored: PostgreSQL shows no transaction committed since Stop " +
                                                               "(3 checked, all aborted)", StringComparison.Ordinal)
                                               && line.EndsWith("the writes made between the backup and the stop stay in it", StringComparison.Ordinal));
        Assert.Contains("INF Rolled back and healthy: Nexplane runs 0.2.0 again on its own database, not restored: PostgreSQL shows nothing committed since Stop",
            _output.Lines);
        Assert.Equal("rolled back, healthy on 0.2.0; database not restored (nothing committed since Stop)", _output.Summary["Outcome"]);
        Assert.StartsWith("not restored: PostgreSQL shows no transaction committed since Stop", result.DatabaseRollback);
        Assert.Equal("control plane rolled back", _record.Checkpoints[^1]);
    }

    [Fact]
    public async Task A_commit_since_Stop_makes_the_rollback_restore_and_say_why()
    {
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();
        deployment.HorizonChecks.Enqueue(Check(committed: 1));

        var result = await RollBackAsync(journal, [RunbookStep.StartBackend], deployment);

        Assert.Equal(["stop backend,worker", "check horizon", "restore /backups/before.dump", "start backend,worker", "watch backend start",
            "wait for health", "verify 0.2.0"], deployment.Calls);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Restoring the database: 1 transaction(s) committed since Stop (the first: 1002)", StringComparison.Ordinal));
        Assert.Contains("INF Rolled back and healthy: Nexplane runs 0.2.0 again on the restored database", _output.Lines);
        Assert.StartsWith("restored from /backups/before.dump: 1 transaction(s) committed since Stop", result.DatabaseRollback);
    }

    [Fact]
    public async Task A_check_PostgreSQL_refuses_makes_the_rollback_restore()
    {
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();

        await RollBackAsync(journal, [RunbookStep.StartBackend], deployment);

        Assert.Contains("restore /backups/before.dump", deployment.Calls);
        Assert.Contains(_output.Lines, line => line.Contains("Restoring the database: PostgreSQL could not be asked whether anything committed since Stop " +
                                                             "(function pg_xact_status(xid8) does not exist)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transaction_still_in_progress_is_waited_for_and_once_aborted_the_restore_is_skipped()
    {
        // The killed backend's migration transaction ends when the server notices its connection is gone.
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();
        deployment.HorizonChecks.Enqueue(Check(inProgress: 1));
        deployment.HorizonChecks.Enqueue(Check());

        await RollBackAsync(journal, [RunbookStep.StartBackend], deployment);

        Assert.Equal(2, deployment.Calls.Count(call => call == "check horizon"));
        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("restore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transaction_that_stays_in_progress_makes_the_rollback_restore()
    {
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();
        for (var i = 0; i < 100; i++)
            deployment.HorizonChecks.Enqueue(Check(inProgress: 1));

        await RollBackAsync(journal, [RunbookStep.StartBackend], deployment);

        // Asked every 250 ms for the 5 s a killed backend's transaction may take to end, then no longer.
        Assert.Equal(21, deployment.Calls.Count(call => call == "check horizon"));
        Assert.All(_clock.Delays, delay => Assert.Equal(TimeSpan.FromMilliseconds(250), delay));

        Assert.Contains("restore /backups/before.dump", deployment.Calls);
        Assert.Contains(_output.Lines, line => line.Contains("Restoring the database: 1 transaction(s) begun since Stop are still in progress", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_journal_written_before_the_horizon_existed_still_restores_without_asking_PostgreSQL()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "state"));
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        // As the tool wrote it before this change, killed during StartBackend: no transaction_horizon.
        var path = Path.Combine(_directory, "state", "20261201-101010-4242.json");
        File.WriteAllText(path, $$"""
            {
              "id": "20261201-101010-4242",
              "compose_file": "{{compose}}",
              "started_at": "2026-12-01T10:10:10+00:00",
              "from_version": "0.2.0",
              "to_version": "0.3.1",
              "completed_steps": [
                { "name": "Preflight", "completed_at": "2026-12-01T10:10:12+00:00" },
                { "name": "Backup", "completed_at": "2026-12-01T10:10:13+00:00" },
                { "name": "Pull", "completed_at": "2026-12-01T10:10:14+00:00" },
                { "name": "Stop", "completed_at": "2026-12-01T10:10:15+00:00" }
              ],
              "backup_file": "/backups/before.dump",
              "revision_before": "002_asset_tags",
              "previous_images": { "backend": "nexplane-backend:0.2.0" },
              "target_images": { "backend": "nexplane-backend:0.3.1" },
              "announces_migrations": true,
              "agent_upgrade_required": false,
              "upgraded_agents": {},
              "backup_after_stop": false,
              "migration_head": null,
              "changed_files": [],
              "migration_error_file": null,
              "outcome": null
            }
            """);
        var journal = UpgradeJournal.Load(path);
        var deployment = new RecordedRollbackDeployment();
        deployment.HorizonChecks.Enqueue(Check());

        // Invoked directly after the kill: the journal alone says how far the run got.
        await RollBackAsync(journal, null, deployment);

        Assert.Null(journal.TransactionHorizon);
        Assert.Equal(["stop backend", "restore /backups/before.dump", "start backend", "watch backend start", "wait for health", "verify 0.2.0"],
            deployment.Calls);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Restoring the database: the journal holds no transaction horizon from Stop", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_killed_after_Stop_recorded_its_horizon_rolls_back_on_PostgreSQL_s_word()
    {
        // SIGKILL right after Stop: the journal says StartBackend may have begun, so the plan would restore;
        // PostgreSQL shows the new backend never committed anything.
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();
        deployment.HorizonChecks.Enqueue(Check());

        await RollBackAsync(journal, null, deployment);

        Assert.Contains("check horizon", deployment.Calls);
        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("restore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Before_StartBackend_the_horizon_is_not_even_asked_about()
    {
        var journal = MigrationFailedJournal(AtStop);
        var deployment = new RecordedRollbackDeployment();

        var result = await RollBackAsync(journal, [RunbookStep.Stop], deployment);

        Assert.DoesNotContain("check horizon", deployment.Calls);
        Assert.Null(result.DatabaseRollback);
    }
}
