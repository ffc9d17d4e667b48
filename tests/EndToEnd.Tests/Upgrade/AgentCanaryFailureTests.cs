using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// A sandbox on 0.3.0 whose canary host cannot start the 0.4.0 agent (the sandbox's NEXPLANE_AGENT_FAIL_RELEASE),
/// upgraded to 0.4.0 once: the canary is rolled back to its old binary, the other hosts are never touched, and the
/// control plane stays upgraded.
/// </summary>
public sealed class AgentCanaryFailureSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(28);
    public string Canary => Sandbox.AgentHosts[0];
    public BuildScriptResult Result { get; private set; } = new(-1, "");
    public IReadOnlyDictionary<string, string?> HashesBefore { get; private set; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(Sandbox);
        await Sandbox.StartFreshAsync("0.3.0");
        await AgentHostProbe.ExecAsync(Canary, "echo NEXPLANE_AGENT_FAIL_RELEASE=0.4.0 >> /etc/nexplane/agent.env");
        var hashes = new Dictionary<string, string?>();
        foreach (var host in Sandbox.AgentHosts)
            hashes[host] = await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent");
        HashesBefore = hashes;
        Result = await UpgradeRun.RunAsync(Sandbox, "0.4.0", "--agent-registration-timeout", "20s");
    }

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

public sealed class AgentCanaryFailureTests(AgentCanaryFailureSandbox fixture) : IClassFixture<AgentCanaryFailureSandbox>
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;

    [Fact]
    public void The_run_fails_on_the_agent_step_and_says_the_control_plane_stays_upgraded()
    {
        Assert.Equal(255, fixture.Result.ExitCode);
        Assert.Matches(@"Verify\s+Succeeded", fixture.Result.Output);
        Assert.Matches(@"Agents\s+Failed", fixture.Result.Output);
        Assert.Matches(@"Rollback\s+Skipped", fixture.Result.Output);
        Assert.Contains("the control plane stays upgraded and healthy", fixture.Result.Output);
        Assert.Contains("Control plane upgraded and healthy: Nexplane 0.3.0 -> 0.4.0", fixture.Result.Output);
        Assert.Contains("but 3 of 3 agent host(s) are NOT on 0.4.0", fixture.Result.Output);
    }

    [Fact]
    public async Task The_canary_runs_its_old_binary_again_and_re_registered_on_0_3_0()
    {
        Assert.Equal(fixture.HashesBefore[fixture.Canary], await AgentHostProbe.FileHashAsync(fixture.Canary, "/usr/local/bin/nexplane-agent"));
        var registered = await AgentHostProbe.RegisteredVersionsAsync(_sandbox);
        Assert.Equal("0.3.0", registered[fixture.Canary]);
        Assert.Equal("active", (await AgentHostProbe.ExecAsync(fixture.Canary, "systemctl is-active nexplane-agent || true")).Trim());
        Assert.Contains($"{fixture.Canary}: RolledBack", fixture.Result.Output);
        // Why the new agent failed, from the host's own log, is in the output.
        Assert.Contains("startup failed on this host", fixture.Result.Output);
    }

    [Fact]
    public async Task The_hosts_after_the_canary_were_not_touched()
    {
        var registered = await AgentHostProbe.RegisteredVersionsAsync(_sandbox);
        foreach (var host in _sandbox.AgentHosts.Skip(1))
        {
            Assert.Equal(fixture.HashesBefore[host], await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent"));
            Assert.Null(await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.old"));
            Assert.Null(await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.new"));
            Assert.Equal("0.3.0", registered[host]);
            Assert.Contains($"{host}: NotAttempted", fixture.Result.Output);
        }
    }
}
