using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Rollback;
using Nexplane.Upgrade.Tests.Steps.Rollback;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>
/// What the run records of a rollback (Steps/Rollback decides it): the journal's progress and outcome on disk, the
/// report; and which upgrade's journal a rollback takes.
/// </summary>
public sealed class UpgradeRunRollbackTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-rollback-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly RecordedRollbackDeployment _deployment = new();


    internal static readonly RollbackSettings Settings = new(["db", "redis"], "frontend", TestAdvice.Nuke, "https://github.com/owner/nexplane/issues");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeRun RunOf(params RunbookStep[] completed)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.Record.Append(new BackupVerified("/backups/before.dump"));
        foreach (var (service, image) in new[] { ("backend", "nexplane-backend:0.2.0"), ("worker", "nexplane-worker:0.2.0"), ("frontend", "nexplane-frontend:0.2.0"), ("db", "postgres:16") })
            journal.PreviousImages[service] = image;
        foreach (var step in completed)
            journal.MarkCompleted(step.ToString());
        return new UpgradeRun(_output, TestAdvice.Nuke) { Journal = journal };
    }

    [Fact]
    public async Task A_rolled_back_upgrade_is_recorded_rolled_back_in_its_journal_and_the_report()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);

        await run.RollBackAsync([RunbookStep.StartBackend], Settings, _deployment, CancellationToken.None);

        Assert.Equal(UpgradeOutcome.RolledBack, UpgradeJournal.Load(run.Journal!.FilePath).Outcome);
        Assert.Equal("rolled back and healthy on 0.2.0", run.Report.Outcome);
        Assert.StartsWith("restored from /backups/before.dump: ", run.Report.DatabaseRollback);
        Assert.False(run.RollbackFoundNothingToUndo);
    }

    [Fact]
    public async Task Before_stop_the_journal_records_that_the_upgrade_changed_nothing()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup);

        await run.RollBackAsync([RunbookStep.Pull], Settings, _deployment, CancellationToken.None);

        Assert.Empty(_deployment.Calls);
        Assert.Equal(UpgradeOutcome.NothingChanged, UpgradeJournal.Load(run.Journal!.FilePath).Outcome);
        Assert.Equal("nothing was changed; Nexplane still runs 0.2.0", run.Report.Outcome);
        Assert.True(run.RollbackFoundNothingToUndo);
    }

    [Fact]
    public async Task The_journal_says_rolled_back_before_the_moved_agents_follow_the_control_plane()
    {
        var run = RunOf(RunbookTable.Steps.ToArray());
        run.Journal!.UpgradedAgents["agent-1"] = "0.2.0";
        run.Journal.Save();
        _deployment.JournalFile = run.Journal.FilePath;

        await run.RollBackAsync(null, Settings with { AgentHostsFile = AgentHostsFile("agent-1") }, _deployment, CancellationToken.None);

        // Recorded before the agents move: a rerun after a failed agent must not restore the database again.
        Assert.Equal(UpgradeOutcome.RolledBack, _deployment.OutcomeOnDiskWhenAgentsMoved);
        Assert.Equal("rolled back and healthy on 0.2.0, agents 1/1 back on their previous version", run.Report.Outcome);
        Assert.Equal(AgentHostResult.RolledBack, Assert.Single(run.Report.Agents).Result);
    }

    [Fact]
    public async Task Agent_hosts_left_on_the_new_version_are_reported_with_the_next_steps_and_fail_the_rollback()
    {
        var run = RunOf(RunbookTable.Steps.ToArray());
        run.Journal!.UpgradedAgents["agent-2"] = "0.2.0";
        run.Journal.Save();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.RollBackAsync(null, Settings, _deployment, CancellationToken.None));

        Assert.Contains("The control plane is rolled back and healthy on 0.2.0, but 1 agent host(s) still run 0.3.0", exception.Message);
        Assert.Equal(UpgradeOutcome.RolledBack, UpgradeJournal.Load(run.Journal.FilePath).Outcome);
        Assert.Equal("rolled back and healthy on 0.2.0, agents 0/1 back on their previous version", run.Report.Outcome);
        Assert.Equal(AgentHostResult.NeedsHuman, Assert.Single(run.Report.Agents).Result);
        // The restore's own next step comes first: the replaced database, kept for the bug report.
        Assert.Collection(run.Report.NextSteps,
            step => Assert.StartsWith("The replaced database is kept as nexplane_failed", step),
            step => Assert.StartsWith("Agent host agent-2: NeedsHuman", step));
    }

    string AgentHostsFile(params string[] names)
    {
        var path = Path.Combine(_directory, "agent-hosts.json");
        File.WriteAllText(path, "{ \"hosts\": [" +
            string.Join(", ", names.Select(name => $"{{ \"name\": \"{name}\", \"connection\": \"local\", \"platform\": \"linux-amd64\" }}")) + "] }");
        return path;
    }

    [Fact]
    public async Task A_rollback_that_did_not_finish_leaves_the_journal_unfinished_and_the_report_saying_a_human_is_needed()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        var deployment = new RecordedRollbackDeployment { PreviousVersionVerifies = false };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.RollBackAsync([RunbookStep.StartBackend], Settings, deployment, CancellationToken.None));

        Assert.Contains("the previous version 0.2.0 does not verify", exception.Message);
        Assert.Equal("needs a human", run.Report.Outcome);
        Assert.Contains(run.Report.NextSteps, step => step.Contains("./build.sh Rollback retries") && step.Contains("./build.sh Restore --backup-file <file>"));
        Assert.StartsWith("restored from /backups/before.dump: ", run.Report.DatabaseRollback);
        var saved = UpgradeJournal.Load(run.Journal!.FilePath);
        Assert.Null(saved.Outcome);
        Assert.True(saved.RollbackBegan);
    }

    [Fact]
    public async Task A_cancelled_rollback_keeps_what_it_did_in_the_report_without_calling_for_a_human()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        // The operator presses Ctrl+C while the previous version starts.
        var deployment = new RecordedRollbackDeployment { CancelledWhileStarting = true };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            run.RollBackAsync([RunbookStep.StartBackend], Settings, deployment, CancellationToken.None));

        Assert.StartsWith("restored from /backups/before.dump: ", run.Report.DatabaseRollback);
        Assert.Null(run.Report.Outcome);
        // What the restore left (the replaced database, kept) is said; no call for a human.
        Assert.StartsWith("The replaced database is kept as nexplane_failed", Assert.Single(run.Report.NextSteps));
        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).Outcome);
    }

    [Fact]
    public void An_upgrade_already_rolled_back_is_not_rolled_back_twice()
    {
        var finished = RunOf(RunbookStep.Preflight);
        finished.Journal!.Outcome = UpgradeOutcome.RolledBack;
        finished.Journal.Save();
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        var exception = Assert.Throws<InvalidOperationException>(() =>
            run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null));

        Assert.Contains("is already rolled-back; nothing to roll back", exception.Message);
    }

    [Fact]
    public void A_run_that_changed_nothing_since_a_finished_upgrade_does_not_hide_it_from_Rollback()
    {
        var upgraded = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend);
        upgraded.Journal!.Outcome = UpgradeOutcome.Succeeded;
        upgraded.Journal.Save();
        // A Preflight run afterwards (or a dry run, or an upgrade Preflight refused) leaves a newer journal of its own.
        var preflightOnly = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u2", Path.Combine(_directory, "docker-compose.yml"));
        preflightOnly.Outcome = UpgradeOutcome.NothingChanged;
        preflightOnly.Save();
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        var chosen = run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null);

        Assert.Equal("u1", chosen.Id);
    }

    [Fact]
    public void The_report_of_a_rollback_of_an_earlier_runs_upgrade_describes_the_rollback_not_that_upgrades_head_or_downtime()
    {
        var upgraded = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend);
        upgraded.Journal!.Record.Append(new DowntimeBegan { At = DateTimeOffset.UnixEpoch });
        upgraded.Journal.Record.Append(new MigrationsReported(["002 -> 003"], "003"));
        upgraded.Journal.Record.Append(new BackendAnswered { At = DateTimeOffset.UnixEpoch.AddSeconds(2) });
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        var chosen = run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null);

        Assert.Equal("003", chosen.MigrationHead);
        // After a restore the database is back at the old head: the upgrade's head and downtime are not the rollback's.
        Assert.Equal((null, null, 0), (run.Report.MigrationHead, run.Report.DowntimeSeconds, run.Report.Migrations.Count));
    }

    [Fact]
    public void A_journal_the_run_lets_go_takes_its_record_with_it()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup);
        Assert.Equal("0.3.0", run.Report.ToVersion);

        // As a refused Rollback does: the journal stays exactly as it was.
        run.Journal = null;

        Assert.Equal((null, null), (run.Report.ToVersion, run.Report.BackupFile));
        run.Record.Append(new StepCompleted("Verify"));
        Assert.DoesNotContain("Verify", UpgradeJournal.Load(Path.Combine(_directory, "state", "u1.json")).CompletedSteps.Select(step => step.Name));
    }

    [Fact]
    public async Task A_second_Rollback_after_one_that_found_nothing_to_undo_is_refused_and_never_reaches_an_older_upgrade()
    {
        var older = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend);
        older.Journal!.Outcome = UpgradeOutcome.Succeeded;
        older.Journal.Save();
        // The next upgrade is killed after Backup, and a first Rollback finds nothing to undo.
        var killed = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u2", Path.Combine(_directory, "docker-compose.yml"));
        killed.Record.Append(new VersionsChosen("0.3.0", "0.4.0"));
        killed.MarkCompleted("Preflight");
        killed.MarkCompleted("Backup");
        await new UpgradeRun(_output, TestAdvice.Nuke) { Journal = killed }.RollBackAsync(null, Settings, _deployment, CancellationToken.None);

        var exception = Assert.Throws<InvalidOperationException>(() => new UpgradeRun(_output, TestAdvice.Nuke)
            .ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null));

        Assert.Contains("Upgrade u2 (0.3.0 -> 0.4.0) is already nothing-changed; nothing to roll back", exception.Message);
    }

    [Fact]
    public void Without_any_recorded_upgrade_the_operator_is_pointed_at_restoring_a_backup_alone()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        Directory.CreateDirectory(_directory);

        var exception = Assert.Throws<InvalidOperationException>(() =>
            run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null));

        Assert.Contains("there is nothing to roll back. To put a backup back alone, run ./build.sh Restore --backup-file <file>.", exception.Message);
    }
}
