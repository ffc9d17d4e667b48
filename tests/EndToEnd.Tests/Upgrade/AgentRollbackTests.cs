using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// A finished 0.3.0 -> 0.4.0 upgrade whose agents were finished by a rerun of the agents alone (the upgrade's hosts file
/// named two of the three SSH hosts, the rerun's all three), then rolled back by the operator with ./build.sh Rollback:
/// the control plane and every agent moved for it go back together.
/// </summary>
public sealed class AgentRollbackSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(24);
    public BuildScriptResult Upgrade { get; private set; } = new(-1, "");
    public BuildScriptResult AgentsRerun { get; private set; } = new(-1, "");
    public BuildScriptResult Rollback { get; private set; } = new(-1, "");

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(Sandbox);
        await Sandbox.StartFreshAsync("0.3.0");
        Upgrade = await UpgradeRun.RunAsync(Sandbox, "0.4.0", "--agent-hosts-file", HostsFileWithout(Sandbox.AgentHosts[2]));
        AgentsRerun = await BuildScript.RunAsync(["Agents", "--skip", "--upgrade-agents", "--no-logo", "--version", "0.4.0", .. Sandbox.ToolArguments],
            timeout: TimeSpan.FromMinutes(3));
        Rollback = await BuildScript.RunAsync(["Rollback", "--no-logo", .. Sandbox.ToolArguments], timeout: TimeSpan.FromMinutes(5));
    }

    public Task DisposeAsync() => Sandbox.RemoveAsync();

    /// <summary>A copy of the instance's agent hosts file, beside it (its key paths are relative to it), without one host.</summary>
    string HostsFileWithout(string host)
    {
        var hostsFile = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Sandbox.AgentHostsFile))!;
        var hosts = hostsFile["hosts"]!.AsArray();
        hosts.Remove(hosts.Single(entry => entry!["name"]!.GetValue<string>() == host));
        var path = Path.Combine(Sandbox.DeployDirectory, "agent-hosts-without-one.json");
        File.WriteAllText(path, hostsFile.ToJsonString());
        return path;
    }
}

public sealed class AgentRollbackTests(AgentRollbackSandbox fixture) : IClassFixture<AgentRollbackSandbox>
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;

    [Fact]
    public void The_rollback_exits_0_and_says_the_agents_are_back_too()
    {
        Assert.True(fixture.Upgrade.ExitCode == 0 && fixture.Upgrade.Output.Contains("agents 2/2 on 0.4.0"), fixture.Upgrade.ToString());
        Assert.True(fixture.AgentsRerun.ExitCode == 0, fixture.AgentsRerun.ToString());
        Assert.Contains("Agents: the hosts this run moves finish upgrade", fixture.AgentsRerun.Output);
        Assert.Contains("so its Rollback puts them back too", fixture.AgentsRerun.Output);
        Assert.True(fixture.Rollback.ExitCode == 0, fixture.Rollback.ToString());
        Assert.Contains("Rolled back and healthy: Nexplane runs 0.3.0 again on the restored database, agents 3/3 back on their previous version",
            fixture.Rollback.Output);
    }

    [Fact]
    public async Task Every_host_runs_its_old_0_3_0_binary_again_and_registered_on_0_3_0()
    {
        var registered = await AgentHostProbe.RegisteredVersionsAsync(_sandbox);
        var published030 = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.3.0");
        foreach (var host in _sandbox.AgentHosts)
        {
            Assert.Equal("0.3.0", registered[host]);
            Assert.Equal(published030, await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent"));
            Assert.Equal("active", (await AgentHostProbe.ExecAsync(host, "systemctl is-active nexplane-agent.service")).Trim());
        }
    }

    [Fact]
    public void The_report_records_each_host_moved_from_0_4_0_back_to_0_3_0()
    {
        var match = System.Text.RegularExpressions.Regex.Match(fixture.Rollback.Output, @"Report: (?<file>\S+\.json)");
        Assert.True(match.Success, fixture.Rollback.ToString());
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(match.Groups["file"].Value));
        var agents = report.RootElement.GetProperty("agents").EnumerateArray().ToArray();
        Assert.Equal(_sandbox.AgentHosts, agents.Select(a => a.GetProperty("host").GetString()).Order());
        Assert.All(agents, agent =>
        {
            Assert.Equal("RolledBack", agent.GetProperty("result").GetString());
            Assert.Equal("0.4.0", agent.GetProperty("from_version").GetString());
            Assert.Equal("0.3.0", agent.GetProperty("to_version").GetString());
        });
    }
}
