using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Rollback;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rollback;

/// <summary>The rollback's decisions and their order, with the deployment's operations and the rollback's record kept as data.</summary>
public sealed class RollbackStepTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"rollback-step-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly RecordedRollbackProgress _record = new();
    readonly RecordedRollbackDeployment _deployment;


    static readonly RollbackSettings Settings = new(["db", "redis"], "frontend", TestAdvice.Nuke, "https://github.com/owner/nexplane/issues");

    public RollbackStepTests() => _deployment = new RecordedRollbackDeployment { Record = _record };

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    string ComposeFile => Path.Combine(_directory, "docker-compose.yml");

    UpgradeJournal JournalOf(params RunbookStep[] completed)
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(ComposeFile, "services: {}\n");
        var journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", ComposeFile);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.Record.Append(new BackupVerified("/backups/before.dump"));
        foreach (var (service, image) in new[] { ("backend", "nexplane-backend:0.2.0"), ("worker", "nexplane-worker:0.2.0"), ("frontend", "nexplane-frontend:0.2.0"), ("db", "postgres:16") })
            journal.PreviousImages[service] = image;
        foreach (var step in completed)
            journal.MarkCompleted(step.ToString());
        journal.Save();
        return journal;
    }

    /// <summary>As the run calls it: planned from the steps this run began, or (null) from the journal alone.</summary>
    Task<RollbackResult> RollBackAsync(UpgradeJournal journal, IReadOnlyCollection<RunbookStep>? startedInThisRun, RollbackSettings? settings = null,
        RecordedRollbackDeployment? deployment = null) =>
        new RollbackStep(_output).RunAsync(
            new RollbackInput(journal, RollbackPlan.For(journal, startedInThisRun ?? InterruptedRun.StartedSteps(journal), TestAdvice.Nuke), settings ?? Settings),
            deployment ?? _deployment, _record, CancellationToken.None);

    [Fact]
    public async Task After_a_migration_failure_the_database_is_restored_then_the_previous_images_started_then_verified()
    {
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);

        var result = await RollBackAsync(journal, [RunbookStep.StartBackend]);

        Assert.Equal(
            ["stop backend,worker", "restore /backups/before.dump", "start backend,worker", "watch backend start", "wait for health", "verify 0.2.0"],
            _deployment.Calls);
        // The restored database is recorded before anything else can fail, the control plane once it verifies.
        Assert.Equal(["began", "database restored as oid 16385", "control plane rolled back"], _record.Checkpoints);
        Assert.Null(result.Unfinished);
        Assert.Equal("rolled back and healthy on 0.2.0", result.Outcome);
        Assert.Equal("/backups/before.dump", result.Restored?.Archive);
        Assert.Contains("INF Rolled back and healthy: Nexplane runs 0.2.0 again on the restored database", _output.Lines);
    }

    [Fact]
    public async Task Before_stop_nothing_is_undone_and_the_upgrade_changed_nothing()
    {
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup);

        var result = await RollBackAsync(journal, [RunbookStep.Pull]);

        Assert.Empty(_deployment.Calls);
        Assert.Empty(_record.Checkpoints);
        Assert.True(result.NothingToUndo);
        Assert.Equal("nothing was changed; Nexplane still runs 0.2.0", result.Outcome);
        Assert.Equal("nothing to undo", _output.Summary["Undone"]);
    }

    [Fact]
    public async Task After_stop_without_a_start_the_previous_version_starts_on_the_untouched_database()
    {
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull);

        var result = await RollBackAsync(journal, [RunbookStep.Stop]);

        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("restore", StringComparison.Ordinal));
        Assert.Contains("start backend,worker", _deployment.Calls);
        Assert.Null(result.DatabaseRollback);
    }

    [Fact]
    public async Task A_finished_upgrade_with_moved_agents_puts_the_agents_back_after_the_control_plane()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.UpgradedAgents["agent-1"] = "0.2.0";

        // Invoked directly, after the upgrade's own run ended: the journal alone says how far it got.
        var result = await RollBackAsync(journal, null, Settings with { AgentHostsFile = AgentHostsFile("agent-1") });

        Assert.Equal(
            // The agents' versions are read first, while the control plane still runs what the upgrade left.
            ["log in", "stop backend,worker,frontend", "restore /backups/before.dump", "start backend,worker,frontend", "watch backend start",
             "wait for health", "verify 0.2.0", "log in", "roll back agent agent-1 to 0.2.0"],
            _deployment.Calls);
        // Recorded before the agents move: a rerun after a failed agent must not restore the database again.
        Assert.Contains("control plane rolled back", _deployment.RecordedWhenAgentsMoved!);
        Assert.Equal("rolled back and healthy on 0.2.0, agents 1/1 back on their previous version", result.Outcome);
        Assert.Equal(AgentHostResult.RolledBack, Assert.Single(result.Agents).Result);
        Assert.Null(result.Unfinished);
    }

    [Fact]
    public async Task Agents_an_upgrade_moved_through_Ansible_go_back_through_Ansible_in_one_playbook_run()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.UpgradedAgents["agent-1"] = "0.2.0";
        journal.UpgradedAgents["agent-2"] = "0.2.0";
        journal.AgentEngine = AgentEngine.Ansible;

        var result = await RollBackAsync(journal, null, Settings with { AgentHostsFile = AgentHostsFile("agent-1", "agent-2") });

        Assert.Equal("ansible-playbook rollback of agent-1 to 0.2.0, agent-2 to 0.2.0", _deployment.Calls[^1]);
        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("roll back agent ", StringComparison.Ordinal));
        Assert.Equal("rolled back and healthy on 0.2.0, agents 2/2 back on their previous version", result.Outcome);
    }

    [Fact]
    public async Task Agents_an_upgrade_took_from_an_inventory_go_back_through_the_same_inventory_and_one_it_cannot_reach_is_left_to_a_human()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.UpgradedAgents["agent-1"] = "0.2.0";
        journal.UpgradedAgents["agent-2"] = "0.2.0";
        journal.AgentEngine = AgentEngine.Ansible;
        journal.AgentInventory = new AnsibleInventorySource("/srv/ansible/inventory.yml", "nexplane_agents");
        _deployment.InventoryHosts = new([new AgentHost { Name = "agent-1", InventoryHostname = "web-01", Platform = AgentPlatform.LinuxAmd64 }],
            ["web-02 cannot be reached through Ansible with the inventory's settings (unreachable: timed out)"]);

        // No hosts file: the journal names where the hosts came from.
        var result = await RollBackAsync(journal, null, Settings);

        Assert.Contains("read and probe group nexplane_agents in /srv/ansible/inventory.yml", _deployment.Calls);
        Assert.Equal("ansible-playbook rollback of agent-1 to 0.2.0 from group nexplane_agents in /srv/ansible/inventory.yml", _deployment.Calls[^1]);
        var left = Assert.Single(result.Agents, o => o.Host == "agent-2");
        Assert.Equal(AgentHostResult.NeedsHuman, left.Result);
        Assert.Contains("web-02 cannot be reached through Ansible", left.Detail);
    }

    [Fact]
    public async Task A_moved_agent_that_registers_another_version_now_keeps_it_and_is_left_to_a_human()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.UpgradedAgents["agent-1"] = "0.2.0";
        // Upgraded again by hand since: its kept .old binary is from before this upgrade.
        _deployment.RegisteredAgents.Add(new RegisteredAgent(7, "AGENT-1", "linux", "0.4.0", "now"));

        var result = await RollBackAsync(journal, null, Settings with { AgentHostsFile = AgentHostsFile("agent-1") });

        Assert.IsType<InvalidOperationException>(result.Unfinished?.SourceException);
        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("roll back agent", StringComparison.Ordinal));
        var outcome = Assert.Single(result.Agents);
        Assert.Equal(AgentHostResult.NeedsHuman, outcome.Result);
        Assert.Contains("it registers 0.4.0 now, not the 0.3.0 this upgrade installed", outcome.ToString());
        Assert.Equal("rolled back and healthy on 0.2.0, agents 0/1 back on their previous version", result.Outcome);
    }

    [Fact]
    public async Task A_moved_agent_the_hosts_file_does_not_name_is_left_to_a_human_after_the_control_plane_is_back()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.UpgradedAgents["agent-2"] = "0.2.0";

        var result = await RollBackAsync(journal, null, Settings);

        var exception = Assert.IsType<InvalidOperationException>(result.Unfinished?.SourceException);
        Assert.Contains("The control plane is rolled back and healthy on 0.2.0, but 1 agent host(s) still run 0.3.0", exception.Message);
        Assert.Contains("not rolled back (no --agent-hosts-file is given)", exception.Message);
        Assert.Contains("control plane rolled back", _record.Checkpoints);
        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("roll back agent", StringComparison.Ordinal));
        Assert.StartsWith("Agent host agent-2: NeedsHuman (not rolled back (no --agent-hosts-file is given)", Assert.Single(result.NextSteps,
            step => step.StartsWith("Agent host", StringComparison.Ordinal)));
        Assert.StartsWith("The replaced database is kept as nexplane_failed", result.NextSteps[0]);
    }

    [Fact]
    public async Task Moved_agents_are_not_touched_when_the_control_plane_refuses_the_login_that_confirms_each_host()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.UpgradedAgents["agent-1"] = "0.2.0";
        var deployment = new RecordedRollbackDeployment { LoginPasses = false, Record = _record };

        var result = await RollBackAsync(journal, null, Settings with { AgentHostsFile = AgentHostsFile("agent-1") }, deployment);

        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("roll back agent", StringComparison.Ordinal));
        var outcome = Assert.Single(result.Agents);
        Assert.Equal(AgentHostResult.NeedsHuman, outcome.Result);
        Assert.Contains("not touched: each host is confirmed through the control plane, but the login failed (401 Unauthorized)", outcome.Detail);
        Assert.Contains("1 agent host(s) still run 0.3.0", result.Unfinished?.SourceException.Message);
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
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        var deployment = new RecordedRollbackDeployment { PreviousVersionVerifies = false };

        var result = await RollBackAsync(journal, [RunbookStep.StartBackend], deployment: deployment);

        var exception = Assert.IsType<InvalidOperationException>(result.Unfinished?.SourceException);
        Assert.Contains("the previous version 0.2.0 does not verify", exception.Message);
        Assert.Equal("needs a human", result.Outcome);
        Assert.Contains(result.NextSteps, step => step.Contains("./build.sh Rollback retries") && step.Contains("./build.sh Restore --backup-file <file>"));
        Assert.Contains(_output.Lines, line => line.StartsWith("ERR Needs a human:") && line.EndsWith("./build.sh Restore --backup-file /backups/before.dump"));
        // What the restore did stays in the report, though the rollback did not finish.
        Assert.StartsWith("restored from /backups/before.dump: ", result.DatabaseRollback);
        Assert.DoesNotContain("control plane rolled back", _record.Checkpoints);
        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("roll back agents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_previous_backend_that_does_not_start_is_reported_with_its_own_error_before_the_health_wait()
    {
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        var deployment = new RecordedRollbackDeployment
        {
            PreviousBackendStartFailure = new MigrationFailedException("the backend exited with code 3", "/state/rollback-output-u1.log"),
        };

        var result = await RollBackAsync(journal, [RunbookStep.StartBackend], deployment: deployment);

        Assert.Equal("the previous version's backend does not start (the backend exited with code 3); its output is saved in /state/rollback-output-u1.log",
            result.Unfinished?.SourceException.Message);
        Assert.DoesNotContain("wait for health", deployment.Calls);
        Assert.Equal("needs a human", result.Outcome);
    }

    [Fact]
    public async Task After_a_failed_start_of_the_new_backend_the_operator_is_told_to_file_an_issue_with_its_saved_output()
    {
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        journal.MigrationErrorFile = Path.Combine(_directory, "migration-output.log");
        File.WriteAllText(journal.MigrationErrorFile, "Traceback (most recent call last):\nsqlalchemy.exc.ProgrammingError: column \"owner_id\" does not exist\n");

        await RollBackAsync(journal, [RunbookStep.StartBackend]);

        Assert.Contains($"WRN The new backend failed while migrating or starting. Please file an issue at https://github.com/owner/nexplane/issues " +
                        $"with its full output, saved in {journal.MigrationErrorFile}", _output.Lines);
    }

    [Fact]
    public async Task After_the_new_backend_stopped_on_its_configuration_the_operator_is_told_what_to_set_even_when_the_rollback_fails()
    {
        var journal = JournalOf(RunbookStep.Preflight, RunbookStep.Backup, RunbookStep.Pull, RunbookStep.Stop);
        journal.MigrationErrorFile = Path.Combine(_directory, "migration-output.log");
        File.WriteAllText(journal.MigrationErrorFile, "2026-12-06T12:00:00Z stderr SECRET_KEY is not set.\n");

        var result = await RollBackAsync(journal, [RunbookStep.StartBackend], deployment: new RecordedRollbackDeployment { PreviousVersionVerifies = false });

        Assert.NotNull(result.Unfinished);
        // Said after the rollback's own error: it is the last thing the operator reads.
        Assert.Equal($"WRN The new backend stopped on its configuration: SECRET_KEY is not set. Set what it names in the deployment's .env " +
                     $"(or compose file), then upgrade again; its full output is saved in {journal.MigrationErrorFile}", _output.Lines[^1]);
        Assert.StartsWith("ERR Needs a human:", _output.Lines[^2]);
    }

    [Fact]
    public async Task A_rollback_keeps_a_file_edited_since_the_upgrade_and_moves_only_its_tags_back()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        journal.PreviousImages.Remove("worker");
        journal.PreviousImages.Remove("frontend");
        File.WriteAllText(ComposeFile, "services:\n  backend:\n    image: nexplane-backend:0.2.0\n");
        journal.RememberOriginal(ComposeFile);
        journal.RecordWrite(ComposeFile, "services:\n  backend:\n    image: nexplane-backend:0.3.0\n");
        const string editedSince = "services:\n  backend:\n    image: nexplane-backend:0.3.0\n    environment: { SECRET_KEY: rotated }\n";
        File.WriteAllText(ComposeFile, editedSince);

        await RollBackAsync(journal, null);

        Assert.Equal(editedSince, File.ReadAllText(ComposeFile));
        Assert.Contains("pin backend=0.2.0", _deployment.Calls);
        Assert.Contains(_output.Lines, line => line.StartsWith($"WRN {ComposeFile} was edited since the upgrade wrote it"));
    }

    [Fact]
    public async Task A_file_still_as_the_upgrade_wrote_it_is_put_back_byte_for_byte()
    {
        var journal = JournalOf(RunbookTable.Steps.ToArray());
        const string original = "services:\n  backend:\n    image: nexplane-backend:0.2.0 # pinned by hand\n";
        File.WriteAllText(ComposeFile, original);
        journal.RememberOriginal(ComposeFile);
        const string upgraded = "services:\n  backend:\n    image: nexplane-backend:0.3.0 # pinned by hand\n";
        journal.RecordWrite(ComposeFile, upgraded);
        File.WriteAllText(ComposeFile, upgraded);

        await RollBackAsync(journal, null);

        Assert.Equal(original, File.ReadAllText(ComposeFile));
        Assert.DoesNotContain(_deployment.Calls, call => call.StartsWith("pin", StringComparison.Ordinal));
        Assert.Contains($"INF Restored {ComposeFile} byte for byte from the copy taken before the upgrade", _output.Lines);
    }
}
