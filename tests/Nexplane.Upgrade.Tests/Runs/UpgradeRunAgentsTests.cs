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
}
