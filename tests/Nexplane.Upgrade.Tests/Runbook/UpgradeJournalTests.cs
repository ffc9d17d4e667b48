using System.Diagnostics;
using System.Text.Json;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runbook;

public sealed class UpgradeJournalTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}");
    readonly string _composeFile;

    public UpgradeJournalTests()
    {
        Directory.CreateDirectory(_directory);
        _composeFile = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(_composeFile, "services:\n  backend:\n    image: nexplane-backend:0.2.0  # pinned\r\n");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string StateDirectory => Path.Combine(_directory, "state");

    [Fact]
    public void Every_completed_step_is_on_disk_at_once_so_a_killed_run_leaves_it_behind()
    {
        var journal = UpgradeJournal.Create(StateDirectory, "u1", _composeFile);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.MarkCompleted("Preflight");
        journal.MarkCompleted("Backup");

        var reloaded = new JournalStore(StateDirectory).Unfinished(_composeFile);

        Assert.NotNull(reloaded);
        Assert.Equal(["Preflight", "Backup"], reloaded.CompletedSteps.Select(s => s.Name));
        Assert.Equal("Backup", reloaded.LastCompletedStep);
        Assert.Equal("0.3.0", reloaded.ToVersion);
    }

    [Fact]
    public void The_agents_source_is_kept_with_the_engine_so_a_rollback_reads_the_same_inventory()
    {
        var journal = UpgradeJournal.Create(StateDirectory, "u1", _composeFile);
        journal.UpgradedAgents["web-01.prod"] = "0.3.0";
        journal.AgentEngine = Nexplane.Upgrade.Agents.AgentEngine.Ansible;
        journal.AgentInventory = new Nexplane.Upgrade.Agents.Ansible.AnsibleInventorySource("/srv/ansible/inventory.yml", "nexplane_agents");
        journal.Save();

        var text = File.ReadAllText(journal.FilePath);
        var reloaded = UpgradeJournal.Load(journal.FilePath);

        Assert.Contains("\"agent_inventory\": {", text);
        Assert.DoesNotContain("working_directory", text);
        Assert.Equal(new Nexplane.Upgrade.Agents.Ansible.AnsibleInventorySource("/srv/ansible/inventory.yml", "nexplane_agents"), reloaded.AgentInventory);
        Assert.Equal(Nexplane.Upgrade.Agents.AgentEngine.Ansible, reloaded.AgentEngine);
    }

    [Fact]
    public void The_record_is_saved_with_every_entry_and_read_back_fact_by_fact()
    {
        var journal = UpgradeJournal.Create(StateDirectory, "u1", _composeFile);
        var stoppedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        journal.Record.Append(new VersionsChosen("0.2.0", "0.3.0"));
        journal.Record.Append(new BackupVerified("/backups/before.dump"));
        journal.Record.Append(new DowntimeBegan { At = stoppedAt });
        journal.Record.Append(new MigrationsReported(["002 -> 003"], "003"));

        // No Save(): a run killed now leaves all of it behind.
        var reloaded = UpgradeJournal.Load(journal.FilePath);

        Assert.Equal(journal.Record.Facts.Select(fact => fact.GetType()), reloaded.Record.Facts.Select(fact => fact.GetType()));
        Assert.Equal(JsonSerializer.Serialize(journal.Record), JsonSerializer.Serialize(reloaded.Record));
        Assert.Equal(("0.2.0", "0.3.0", "/backups/before.dump", stoppedAt, "003"),
            (reloaded.FromVersion, reloaded.ToVersion, reloaded.BackupFile, reloaded.DowntimeStartedAt, reloaded.MigrationHead));
        Assert.Equal(["002 -> 003"], reloaded.Migrations);
    }

    [Fact]
    public void A_journal_written_before_the_record_is_read_as_the_facts_its_fields_stand_for_and_not_rewritten()
    {
        Directory.CreateDirectory(StateDirectory);
        var path = Path.Combine(StateDirectory, "u0.json");
        const string before = """
            {
              "id": "u0",
              "compose_file": "/srv/nexplane/docker-compose.yml",
              "started_at": "2026-11-30T09:00:00+00:00",
              "from_version": "0.2.0",
              "to_version": "0.3.0",
              "completed_steps": [
                { "name": "Preflight", "completed_at": "2026-11-30T09:00:01+00:00" },
                { "name": "Backup", "completed_at": "2026-11-30T09:00:03+00:00" },
                { "name": "Pull", "completed_at": "2026-11-30T09:00:04+00:00" },
                { "name": "Stop", "completed_at": "2026-11-30T09:00:05+00:00" }
              ],
              "backup_file": "/backups/before.dump",
              "migration_head": "003_agent_tunnels",
              "migrations": ["002 -> 003"],
              "downtime_started_at": "2026-11-30T09:00:04.5+00:00",
              "downtime_ended_at": null,
              "outcome": null
            }
            """;
        File.WriteAllText(path, before);

        var journal = UpgradeJournal.Load(path);

        Assert.Equal(("0.2.0", "0.3.0", "/backups/before.dump", "003_agent_tunnels"), (journal.FromVersion, journal.ToVersion, journal.BackupFile, journal.MigrationHead));
        Assert.Equal(["Preflight", "Backup", "Pull", "Stop"], journal.CompletedSteps.Select(step => step.Name));
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T09:00:05+00:00"), journal.CompletedSteps[^1].At);
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T09:00:04.5+00:00"), journal.DowntimeStartedAt);
        Assert.Null(journal.DowntimeEndedAt);
        Assert.Equal(["002 -> 003"], journal.Migrations);
        Assert.Equal(before, File.ReadAllText(path));
        // The next entry saves it in today's form, the earlier facts with it.
        journal.MarkCompleted("StartBackend");
        Assert.Equal(["Preflight", "Backup", "Pull", "Stop", "StartBackend"], UpgradeJournal.Load(path).CompletedSteps.Select(step => step.Name));
        Assert.Equal("/backups/before.dump", UpgradeJournal.Load(path).BackupFile);
    }

    [Fact]
    public void A_finished_upgrade_is_not_unfinished()
    {
        var journal = UpgradeJournal.Create(StateDirectory, "u1", _composeFile);
        journal.Outcome = UpgradeOutcome.Succeeded;
        journal.Save();

        Assert.Null(new JournalStore(StateDirectory).Unfinished(_composeFile));
        Assert.Equal("u1", new JournalStore(StateDirectory).LatestThatChangedSomething(_composeFile)?.Id);
    }

    [Fact]
    public void Changed_files_are_restored_byte_for_byte_from_the_first_copy_while_they_are_as_the_upgrade_wrote_them()
    {
        var original = File.ReadAllBytes(_composeFile);
        var journal = UpgradeJournal.Create(StateDirectory, "u1", _composeFile);
        const string first = "services:\n  backend:\n    image: nexplane-backend:0.3.0\n";
        const string second = "services:\n  backend:\n    image: nexplane-backend:0.3.1\n";

        journal.RememberOriginal(_composeFile);
        journal.RecordWrite(_composeFile, first);
        File.WriteAllText(_composeFile, first);
        journal.RememberOriginal(_composeFile);
        journal.RecordWrite(_composeFile, second);
        File.WriteAllText(_composeFile, second);
        var (restored, editedSince) = UpgradeJournal.Load(journal.FilePath).RestoreOriginalFiles();

        Assert.Equal([Path.GetFullPath(_composeFile)], restored);
        Assert.Empty(editedSince);
        Assert.Equal(original, File.ReadAllBytes(_composeFile));
    }

    [Fact]
    public void A_file_edited_since_the_upgrade_wrote_it_is_not_overwritten_with_the_old_copy()
    {
        var journal = UpgradeJournal.Create(StateDirectory, "u1", _composeFile);
        journal.RememberOriginal(_composeFile);
        journal.RecordWrite(_composeFile, "services:\n  backend:\n    image: nexplane-backend:0.3.0\n");
        const string editedByTheOperator = "services:\n  backend:\n    image: nexplane-backend:0.3.0\n    environment: { SECRET_KEY: new }\n";
        File.WriteAllText(_composeFile, editedByTheOperator);

        var (restored, editedSince) = UpgradeJournal.Load(journal.FilePath).RestoreOriginalFiles();

        Assert.Empty(restored);
        Assert.Equal([Path.GetFullPath(_composeFile)], editedSince);
        Assert.Equal(editedByTheOperator, File.ReadAllText(_composeFile));
    }

    [Fact]
    public void A_second_upgrade_is_refused_while_the_first_holds_the_lock()
    {
        using var first = UpgradeLock.Acquire(StateDirectory, _composeFile, "./build.sh Upgrade --version 0.3.0", removeStaleLock: false, TestAdvice.Nuke);

        var exception = Assert.Throws<UpgradeLockedException>(() => UpgradeLock.Acquire(StateDirectory, _composeFile, "second", removeStaleLock: true, TestAdvice.Nuke));

        Assert.Contains("Another upgrade holds the lock", exception.Message);
        Assert.Contains($"pid {Environment.ProcessId}", exception.Message);
    }

    [Fact]
    public void A_lock_whose_pid_now_belongs_to_a_process_started_after_it_is_stale_not_held()
    {
        // This test's own process is alive, but it started long after this lock was written: it only reuses the pid.
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(UpgradeLock.PathFor(StateDirectory, _composeFile), JsonSerializer.Serialize(
            new LockOwner("root", Environment.ProcessId, Environment.MachineName, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), "./build.sh Upgrade --version 0.3.0")));

        var refused = Assert.Throws<UpgradeLockedException>(() => UpgradeLock.Acquire(StateDirectory, _composeFile, "next", removeStaleLock: false, TestAdvice.Nuke));

        Assert.Contains("stale upgrade lock", refused.Message);
        Assert.Contains("no longer running", refused.Message);
    }

    [Fact]
    public void A_stale_lock_of_a_dead_process_is_reported_and_removed_only_when_asked()
    {
        using (var process = Process.Start(new ProcessStartInfo("true")))
        {
            process!.WaitForExit();
            Directory.CreateDirectory(StateDirectory);
            File.WriteAllText(UpgradeLock.PathFor(StateDirectory, _composeFile), JsonSerializer.Serialize(
                new LockOwner("root", process.Id, Environment.MachineName, DateTimeOffset.UtcNow.AddHours(-1), "./build.sh Upgrade --version 0.3.0")));
        }

        var refused = Assert.Throws<UpgradeLockedException>(() => UpgradeLock.Acquire(StateDirectory, _composeFile, "next", removeStaleLock: false, TestAdvice.Nuke));
        Assert.Contains("stale upgrade lock", refused.Message);
        Assert.Contains("--remove-stale-lock", refused.Message);

        using var acquired = UpgradeLock.Acquire(StateDirectory, _composeFile, "next", removeStaleLock: true, TestAdvice.Nuke);
        Assert.Equal(Environment.ProcessId, UpgradeLock.ReadOwner(UpgradeLock.PathFor(StateDirectory, _composeFile))!.ProcessId);
    }

    [Fact]
    public void Upgrades_of_different_deployments_do_not_block_each_other()
    {
        using var first = UpgradeLock.Acquire(StateDirectory, _composeFile, "first", removeStaleLock: false, TestAdvice.Nuke);

        var otherCompose = Path.Combine(_directory, "other", "docker-compose.yml");
        using var other = UpgradeLock.Acquire(StateDirectory, otherCompose, "other", removeStaleLock: false, TestAdvice.Nuke);

        Assert.Equal("first", UpgradeLock.ReadOwner(UpgradeLock.PathFor(StateDirectory, _composeFile))!.Command);
        Assert.Equal("other", UpgradeLock.ReadOwner(UpgradeLock.PathFor(StateDirectory, otherCompose))!.Command);
    }

    [Fact]
    public void Releasing_the_lock_lets_the_next_upgrade_in()
    {
        UpgradeLock.Acquire(StateDirectory, _composeFile, "first", removeStaleLock: false, TestAdvice.Nuke).Dispose();

        using var second = UpgradeLock.Acquire(StateDirectory, _composeFile, "second", removeStaleLock: false, TestAdvice.Nuke);

        Assert.Equal("second", UpgradeLock.ReadOwner(UpgradeLock.PathFor(StateDirectory, _composeFile))!.Command);
    }
}
