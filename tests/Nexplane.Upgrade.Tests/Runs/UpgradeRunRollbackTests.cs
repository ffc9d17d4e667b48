using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>The rollback's decisions and their order, with the deployment's operations recorded instead of made.</summary>
public sealed class UpgradeRunRollbackTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-rollback-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly RecordedRollbackDeployment _deployment = new();

    static readonly OperatorCommands Commands = new("./build.sh Rollback", "./build.sh Restore --backup-file", "./build.sh Status",
        "https://github.com/owner/nexplane/issues", "./build.sh Upgrade --version", "--resume");

    internal static readonly RollbackSettings Settings = new(["db", "redis"], "frontend", Commands);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    UpgradeRun RunOf(params RunbookStep[] completed)
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose);
        journal.FromVersion = "0.2.0";
        journal.ToVersion = "0.3.0";
        journal.BackupFile = "/backups/before.dump";
        foreach (var (service, image) in new[] { ("backend", "nexplane-backend:0.2.0"), ("worker", "nexplane-worker:0.2.0"), ("frontend", "nexplane-frontend:0.2.0"), ("db", "postgres:16") })
            journal.PreviousImages[service] = image;
        foreach (var step in completed)
            journal.MarkCompleted(step.ToString());
        return new UpgradeRun(_output) { Journal = journal };
    }

    [Fact]
    public async Task After_a_migration_failure_the_database_is_restored_then_the_previous_images_started_then_verified()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);

        await run.RollBackAsync([RunbookStep.StartBackend], Settings, _deployment, CancellationToken.None);

        Assert.Equal(
            ["stop backend,worker", "restore /backups/before.dump", "start backend,worker", "watch backend start", "wait for health", "verify 0.2.0"],
            _deployment.Calls);
        Assert.Equal(UpgradeOutcome.RolledBack, UpgradeJournal.Load(run.Journal!.FilePath).Outcome);
        Assert.Equal("rolled back and healthy on 0.2.0", run.Report.Outcome);
        Assert.Contains("INF Rolled back and healthy: Nexplane runs 0.2.0 again on the restored database", _output.Lines);
    }

    [Fact]
    public async Task Before_stop_nothing_is_undone_and_the_upgrade_changed_nothing()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup);

        await run.RollBackAsync([RunbookStep.Pull], Settings, _deployment, CancellationToken.None);

        Assert.Empty(_deployment.Calls);
        Assert.Equal(UpgradeOutcome.NothingChanged, UpgradeJournal.Load(run.Journal!.FilePath).Outcome);
        Assert.Equal("nothing to undo", _output.Summary["Undone"]);
    }

    [Fact]
    public async Task After_stop_without_a_start_the_previous_version_starts_on_the_untouched_database()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull);

        await run.RollBackAsync([RunbookStep.Stop], Settings, _deployment, CancellationToken.None);

        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("restore", StringComparison.Ordinal));
        Assert.Contains("start backend,worker", _deployment.Calls);
    }

    [Fact]
    public async Task A_finished_upgrade_with_moved_agents_puts_the_agents_back_after_the_control_plane()
    {
        var run = RunOf(RunbookTable.Steps.ToArray());
        run.Journal!.UpgradedAgents["agent-1"] = "0.2.0";
        run.Journal.Save();
        _deployment.JournalFile = run.Journal.FilePath;

        // Invoked directly, after the upgrade's own run ended: the journal alone says how far it got.
        await run.RollBackAsync(null, Settings with { AgentHostsFile = AgentHostsFile("agent-1") }, _deployment, CancellationToken.None);

        Assert.Equal(
            // The agents' versions are read first, while the control plane still runs what the upgrade left.
            ["log in", "stop backend,worker,frontend", "restore /backups/before.dump", "start backend,worker,frontend", "watch backend start",
             "wait for health", "verify 0.2.0", "log in", "roll back agent agent-1 to 0.2.0"],
            _deployment.Calls);
        // Recorded before the agents move: a rerun after a failed agent must not restore the database again.
        Assert.Equal(UpgradeOutcome.RolledBack, _deployment.OutcomeOnDiskWhenAgentsMoved);
        Assert.Equal("rolled back and healthy on 0.2.0, agents 1/1 back on their previous version", run.Report.Outcome);
    }

    [Fact]
    public async Task A_moved_agent_that_registers_another_version_now_keeps_it_and_is_left_to_a_human()
    {
        var run = RunOf(RunbookTable.Steps.ToArray());
        run.Journal!.UpgradedAgents["agent-1"] = "0.2.0";
        run.Journal.Save();
        _deployment.JournalFile = run.Journal.FilePath;
        // Upgraded again by hand since: its kept .old binary is from before this upgrade.
        _deployment.RegisteredAgents.Add(new Nexplane.Upgrade.Agents.RegisteredAgent(7, "AGENT-1", "linux", "0.4.0", "now"));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.RollBackAsync(null, Settings with { AgentHostsFile = AgentHostsFile("agent-1") }, _deployment, CancellationToken.None));

        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("roll back agent", StringComparison.Ordinal));
        var outcome = Assert.Single(run.Report.Agents);
        Assert.Equal(Nexplane.Upgrade.Agents.AgentHostResult.NeedsHuman, outcome.Result);
        Assert.Contains("it registers 0.4.0 now, not the 0.3.0 this upgrade installed", outcome.ToString());
    }

    [Fact]
    public async Task A_moved_agent_the_hosts_file_does_not_name_is_left_to_a_human_after_the_control_plane_is_back()
    {
        var run = RunOf(RunbookTable.Steps.ToArray());
        run.Journal!.UpgradedAgents["agent-2"] = "0.2.0";
        run.Journal.Save();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.RollBackAsync(null, Settings with { AgentHostsFileOption = "--agent-hosts-file" }, _deployment, CancellationToken.None));

        Assert.Contains("The control plane is rolled back and healthy on 0.2.0, but 1 agent host(s) still run 0.3.0", exception.Message);
        Assert.Contains("not rolled back (no --agent-hosts-file is given)", exception.Message);
        Assert.Equal(UpgradeOutcome.RolledBack, UpgradeJournal.Load(run.Journal.FilePath).Outcome);
        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("roll back agent", StringComparison.Ordinal));
    }

    string AgentHostsFile(params string[] names)
    {
        var path = Path.Combine(_directory, "agent-hosts.json");
        File.WriteAllText(path, "{ \"hosts\": [" +
            string.Join(", ", names.Select(name => $"{{ \"name\": \"{name}\", \"connection\": \"local\", \"platform\": \"linux-amd64\" }}")) + "] }");
        return path;
    }

    [Fact]
    public async Task A_failed_verification_of_the_previous_version_needs_a_human_with_the_next_command()
    {
        var run = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        var deployment = new RecordedRollbackDeployment { PreviousVersionVerifies = false };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.RollBackAsync([RunbookStep.StartBackend], Settings, deployment, CancellationToken.None));

        Assert.Contains("the previous version 0.2.0 does not verify", exception.Message);
        Assert.Equal("needs a human", run.Report.Outcome);
        Assert.Contains(run.Report.NextSteps, step => step.Contains("./build.sh Rollback retries") && step.Contains("./build.sh Restore --backup-file <file>"));
        Assert.Contains(_output.Lines, line => line.StartsWith("ERR Needs a human:") && line.EndsWith("./build.sh Restore --backup-file /backups/before.dump"));
        Assert.Null(UpgradeJournal.Load(run.Journal!.FilePath).Outcome);
        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("roll back agents", StringComparison.Ordinal));
    }

    [Fact]
    public void An_upgrade_already_rolled_back_is_not_rolled_back_twice()
    {
        var finished = RunOf(RunbookStep.Preflight);
        finished.Journal!.Outcome = UpgradeOutcome.RolledBack;
        finished.Journal.Save();
        var run = new UpgradeRun(_output);

        var exception = Assert.Throws<InvalidOperationException>(() =>
            run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null, Commands));

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
        var run = new UpgradeRun(_output);

        var chosen = run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null, Commands);

        Assert.Equal("u1", chosen.Id);
    }

    [Fact]
    public async Task A_second_Rollback_after_one_that_found_nothing_to_undo_is_refused_and_never_reaches_an_older_upgrade()
    {
        var older = RunOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop, RunbookStep.StartBackend);
        older.Journal!.Outcome = UpgradeOutcome.Succeeded;
        older.Journal.Save();
        // The next upgrade is killed after Backup, and a first Rollback finds nothing to undo.
        var killed = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u2", Path.Combine(_directory, "docker-compose.yml"));
        killed.FromVersion = "0.3.0";
        killed.ToVersion = "0.4.0";
        killed.MarkCompleted("Preflight");
        killed.MarkCompleted("Backup");
        await new UpgradeRun(_output) { Journal = killed }.RollBackAsync(null, Settings, _deployment, CancellationToken.None);

        var exception = Assert.Throws<InvalidOperationException>(() => new UpgradeRun(_output)
            .ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null, Commands));

        Assert.Contains("Upgrade u2 (0.3.0 -> 0.4.0) is already nothing-changed; nothing to roll back", exception.Message);
    }

    [Fact]
    public void Without_any_recorded_upgrade_the_operator_is_pointed_at_restoring_a_backup_alone()
    {
        var run = new UpgradeRun(_output);
        Directory.CreateDirectory(_directory);

        var exception = Assert.Throws<InvalidOperationException>(() =>
            run.ChooseJournalToRollBack(new JournalStore(Path.Combine(_directory, "state")), Path.Combine(_directory, "docker-compose.yml"), null, Commands));

        Assert.Contains("there is nothing to roll back. To put a backup back alone, run ./build.sh Restore --backup-file <file>.", exception.Message);
    }
}
