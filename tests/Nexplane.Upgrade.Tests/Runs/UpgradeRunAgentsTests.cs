using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Tests.Steps.Agents;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run records of the Agents step (Steps/Agents, whose judgement AgentsStepTests specify).</summary>
public sealed class UpgradeRunAgentsTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-agents-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    static readonly NexplaneVersion Target = NexplaneVersion.Parse("0.4.0");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    IReadOnlyList<AgentHost> Hosts(params string[] names)
    {
        var path = Path.Combine(_directory, "agent-hosts.json");
        File.WriteAllText(path, "{ \"hosts\": [" +
            string.Join(", ", names.Select(name => $"{{ \"name\": \"{name}\", \"connection\": \"local\", \"platform\": \"linux-amd64\" }}")) + "] }");
        return AgentHostsFileReader.Load(path);
    }

    UpgradeRun NewRun()
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        return new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose) };
    }

    [Fact]
    public async Task The_hosts_it_moved_are_in_the_journal_and_a_host_left_behind_fails_the_step_with_the_rerun_advice()
    {
        var run = NewRun();
        var agents = new RecordedAgentHosts([], "web-02");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            run.UpgradeAgentsAsync(new AgentsInput(Hosts("web-01", "web-02"), Target, new AgentsSettings(5, "Rerun the agents alone")), agents,
                CancellationToken.None));

        Assert.Equal(["web-01"], UpgradeJournal.Load(run.Journal!.FilePath).UpgradedAgents.Keys);
        Assert.Contains("1 of 2 agent host(s) are not on 0.4.0; the control plane stays upgraded and healthy", exception.Message);
        Assert.Contains("Rerun the agents alone, or upgrade these hosts by hand:", exception.Message);
        Assert.Equal(2, run.Report.Agents.Count);
    }

    [Fact]
    public async Task A_run_without_a_journal_still_reports_every_host()
    {
        Directory.CreateDirectory(_directory);
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        await run.UpgradeAgentsAsync(new AgentsInput(Hosts("web-01"), Target, new AgentsSettings(5, "")), new RecordedAgentHosts([]), CancellationToken.None);

        Assert.Equal(AgentHostResult.Upgraded, Assert.Single(run.Report.Agents).Result);
    }

    [Fact]
    public async Task The_binaries_Preflight_verified_are_the_ones_the_hosts_get()
    {
        var run = NewRun();
        var verified = new AgentBinary(AgentPlatform.LinuxAmd64, "0.4.0", "nexplane-agent", "/cache/verified/nexplane-agent", "cd", 2);
        run.RecordPreflight(new Nexplane.Upgrade.Steps.Preflight.PreflightReport
        {
            Current = NexplaneVersion.Parse("0.3.0"),
            Target = Target,
            Services = [],
            Notices = [],
            KeptDatabases = [],
            Failures = [],
            AgentBinaries = [verified],
        }, backupAfterStop: false);
        var agents = new RecordedAgentHosts([]);

        await run.UpgradeAgentsAsync(new AgentsInput(Hosts("web-01"), Target, new AgentsSettings(5, "")), agents, CancellationToken.None);

        Assert.Equal(["binaries for 0.4.0, verified before: /cache/verified/nexplane-agent"], agents.BinaryRequests);
    }

    /// <summary>An upgrade 0.3.0 -> 0.4.0 that ended with agent-1 moved through the given engine, as its journal keeps it.</summary>
    (JournalStore Journals, string ComposeFile, UpgradeJournal Upgrade) FinishedUpgrade(AgentEngine engine = AgentEngine.Ssh, string to = "0.4.0")
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var journals = new JournalStore(Path.Combine(_directory, "state"));
        var upgrade = UpgradeJournal.Create(journals.Directory, "u1", compose);
        upgrade.Record.Append(new VersionsChosen("0.3.0", to));
        upgrade.MarkCompleted("Stop");
        upgrade.UpgradedAgents["web-01"] = "0.3.0";
        upgrade.AgentEngine = engine;
        upgrade.Outcome = UpgradeOutcome.Succeeded;
        upgrade.Save();
        return (journals, compose, upgrade);
    }

    [Fact]
    public async Task Agents_rerun_alone_after_an_upgrade_to_the_same_version_record_the_hosts_they_move_in_its_journal_for_its_rollback()
    {
        var (journals, compose, upgrade) = FinishedUpgrade();
        var rerun = new UpgradeRun(_output, TestAdvice.Nuke) { RequestedVersion = "0.4.0" };

        rerun.RecordAgentsInTheUpgradeTheyFinish(journals, compose, AgentEngine.Ssh, inventory: null);
        await rerun.UpgradeAgentsAsync(new AgentsInput(Hosts("web-02", "web-03"), Target, new AgentsSettings(5, "")), new RecordedAgentHosts([]), CancellationToken.None);

        var journal = UpgradeJournal.Load(upgrade.FilePath);
        Assert.Equal(new Dictionary<string, string?> { ["web-01"] = "0.3.0", ["web-02"] = "0.3.0", ["web-03"] = "0.3.0" }, journal.UpgradedAgents);
        Assert.Equal(UpgradeOutcome.Succeeded, journal.Outcome);
        Assert.Null(rerun.Journal);
        Assert.Contains(_output.Lines, line => line.Contains("finish upgrade u1 (0.3.0 -> 0.4.0)", StringComparison.Ordinal) && line.Contains("its Rollback puts them back too", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Agents_rerun_alone_for_another_version_than_the_last_upgrades_leave_its_journal_alone()
    {
        var (journals, compose, upgrade) = FinishedUpgrade(to: "0.3.3");
        var rerun = new UpgradeRun(_output, TestAdvice.Nuke) { RequestedVersion = "0.4.0" };

        rerun.RecordAgentsInTheUpgradeTheyFinish(journals, compose, AgentEngine.Ssh, inventory: null);
        await rerun.UpgradeAgentsAsync(new AgentsInput(Hosts("web-02"), Target, new AgentsSettings(5, "")), new RecordedAgentHosts([]), CancellationToken.None);

        Assert.Equal(["web-01"], UpgradeJournal.Load(upgrade.FilePath).UpgradedAgents.Keys);
    }

    [Fact]
    public async Task Agents_rerun_alone_through_another_engine_than_the_upgrades_are_not_mixed_into_its_journal_and_the_operator_is_told()
    {
        var (journals, compose, upgrade) = FinishedUpgrade(AgentEngine.Ansible);
        var rerun = new UpgradeRun(_output, TestAdvice.Nuke) { RequestedVersion = "0.4.0" };

        rerun.RecordAgentsInTheUpgradeTheyFinish(journals, compose, AgentEngine.Ssh, inventory: null);
        await rerun.UpgradeAgentsAsync(new AgentsInput(Hosts("web-02"), Target, new AgentsSettings(5, "")), new RecordedAgentHosts([]), CancellationToken.None);

        var journal = UpgradeJournal.Load(upgrade.FilePath);
        Assert.Equal(["web-01"], journal.UpgradedAgents.Keys);
        Assert.Equal(AgentEngine.Ansible, journal.AgentEngine);
        Assert.Contains(_output.Lines, line => line.Contains("so its Rollback would not put them back", StringComparison.Ordinal));
    }
}
