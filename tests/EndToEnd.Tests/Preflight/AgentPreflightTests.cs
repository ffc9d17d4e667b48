using System.Text.Json.Nodes;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Preflight;

/// <summary>
/// Preflight's agent checks against the real SSH agent hosts of the Preflight sandbox (on 0.2.0). 0.3.0 needs no
/// agent upgrade, so <c>--upgrade-agents</c> asks for one; every case changes nothing, and the failing ones say why.
/// </summary>
[Collection(PreflightSandboxCollection.Name)]
public sealed class AgentPreflightTests(PreflightSandbox fixture)
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;

    Task<BuildScriptResult> PreflightAsync(params string[] arguments) =>
        BuildScript.RunAsync(["Preflight", "--no-logo", "--version", "0.3.0", "--accept-breaking-changes", "--upgrade-agents", .. _sandbox.ToolArguments, .. arguments]);

    [Fact]
    public async Task Reachable_hosts_and_a_verified_binary_pass_and_change_nothing()
    {
        var before = await DeploymentSnapshot.TakeAsync(_sandbox);
        var published = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.3.0");

        var result = await PreflightAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Agent binary nexplane-agent-linux-amd64-0.3.0: sha256 {published} verified", result.Output);
        Assert.Contains($"3 host(s) ready over SSH: {string.Join(", ", _sandbox.AgentHosts)}", result.Output);
        Assert.Equal(before, await DeploymentSnapshot.TakeAsync(_sandbox));
        foreach (var host in _sandbox.AgentHosts)
            Assert.Null(await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.new"));
    }

    [Fact]
    public async Task A_host_showing_another_host_key_is_refused()
    {
        var hostsFile = CopyOfHostsFile(hosts => hosts[1]!["hostKeySha256"] = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        var result = await PreflightAsync("--agent-hosts-file", hostsFile);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("[agents]", result.Output);
        Assert.Contains($"{_sandbox.AgentHosts[1]} (root@127.0.0.1", result.Output);
        Assert.Contains("but the agent hosts file expects SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA. Refused", result.Output);
        Assert.Contains("nothing was changed", result.Output);
    }

    [Fact]
    public async Task A_wrong_binary_path_and_a_wrong_platform_are_reported_together()
    {
        var hostsFile = CopyOfHostsFile(hosts =>
        {
            hosts[0]!["binaryPath"] = "/opt/not-here/nexplane-agent";
            hosts[2]!["platform"] = "linux-arm64";
        });

        var result = await PreflightAsync("--agent-hosts-file", hostsFile);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains($"{_sandbox.AgentHosts[0]} has no agent binary at /opt/not-here/nexplane-agent", result.Output);
        Assert.Contains($"{_sandbox.AgentHosts[2]} reports machine 'x86_64' (linux-amd64), but the agent hosts file says linux-arm64", result.Output);
    }

    [Fact]
    public async Task A_windows_host_is_left_to_the_operator_with_the_asset_to_install()
    {
        var hostsFile = CopyOfHostsFile(hosts => hosts[2]!["platform"] = "windows-amd64");

        var result = await PreflightAsync("--agent-hosts-file", hostsFile);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains($"{_sandbox.AgentHosts[2]} is a windows-amd64 host: the tool upgrades Linux hosts with systemd only", result.Output);
        Assert.Contains("nexplane-agent-windows-amd64-0.3.0.exe from release v0.3.0", result.Output);
    }

    [Fact]
    public async Task Skip_agents_leaves_the_upgrade_to_the_operator_and_says_what_to_install()
    {
        var result = await PreflightAsync("--skip-agents", "--agent-hosts-file", Path.Combine(_sandbox.DeployDirectory, "no-such-file.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--skip-agents leaves it to you", result.Output);
        Assert.Contains("nexplane-agent-<platform>-0.3.0 from release v0.3.0", result.Output);
    }

    [Fact]
    public async Task A_missing_hosts_file_is_refused_before_anything_changes()
    {
        var missing = Path.Combine(_sandbox.DeployDirectory, "no-such-file.json");

        var result = await PreflightAsync("--agent-hosts-file", missing);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains($"[agents] The agent hosts file {missing} does not exist.", result.Output);
    }

    /// <summary>A copy of the instance's hosts file (beside it, so the relative key path still resolves), changed by <paramref name="change"/>.</summary>
    string CopyOfHostsFile(Action<JsonArray> change)
    {
        var document = JsonNode.Parse(File.ReadAllText(_sandbox.AgentHostsFile))!;
        change(document["hosts"]!.AsArray());
        var path = Path.Combine(_sandbox.DeployDirectory, $"agent-hosts-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }
}
