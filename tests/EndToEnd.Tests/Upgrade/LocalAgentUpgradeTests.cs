using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// A sandbox on 0.3.0 plus an agent on the test machine itself, listed in the agent hosts file as
/// <c>"connection": "local"</c>, upgraded to 0.4.0 once by the real ./build.sh. The local "host" is a directory:
/// the release's real 0.3.0 agent binary, run as a service by the sandbox's systemctl shim (its paths moved there
/// through NEXPLANE_SHIM_*), registering with the instance's control plane.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalAgentSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(29);
    public string HostName => $"{Sandbox.Project}-local";
    public string Root { get; } = Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "local-agent-29");
    public string BinaryPath => Path.Combine(Root, "nexplane-agent");
    public BuildScriptResult Result { get; private set; } = new(-1, "");

    /// <summary>The tool's environment: the shims first on PATH, pointed at this directory.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["PATH"] = $"{Path.Combine(Root, "bin")}:{System.Environment.GetEnvironmentVariable("PATH")}",
        ["NEXPLANE_SHIM_BINARY"] = BinaryPath,
        ["NEXPLANE_SHIM_ENV_FILE"] = Path.Combine(Root, "agent.env"),
        ["NEXPLANE_SHIM_LOG_FILE"] = Path.Combine(Root, "agent.log"),
        ["NEXPLANE_SHIM_PID_FILE"] = Path.Combine(Root, "agent.pid"),
    };

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(Sandbox);
        await Sandbox.StartFreshAsync("0.3.0");
        await StopLocalAgentAsync();
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
        Directory.CreateDirectory(Path.Combine(Root, "bin"));
        foreach (var shim in new[] { "systemctl", "journalctl" })
        {
            var copy = Path.Combine(Root, "bin", shim);
            File.Copy(Path.Combine(RepositoryRoot.Path, "scripts", "sandbox", "agent-host", shim), copy);
            File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        }
        using (var http = new HttpClient())
            await File.WriteAllBytesAsync(BinaryPath, await http.GetByteArrayAsync(
                $"{Sandbox.GitHubApiUrl}youbetyourballs/nexplane/releases/download/v0.3.0/nexplane-agent-linux-amd64-0.3.0"));
        File.SetUnixFileMode(BinaryPath, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(Root, "agent.env"),
            $"NEXPLANE_CONTROL_PLANE_URL={Sandbox.BackendUrl}\nNEXPLANE_AGENT_HOSTNAME={HostName}\nNEXPLANE_AGENT_OS_TYPE=linux\nNEXPLANE_HEARTBEAT_SECONDS=2\n");
        await ShellAsync("systemctl start nexplane-agent.service");
        var registered = await AgentHostProbe.WaitForVersionsAsync(Sandbox, [HostName], "0.3.0", TimeSpan.FromSeconds(30));
        Assert.True(registered.GetValueOrDefault(HostName) == "0.3.0", $"the local agent did not register on 0.3.0: {File.ReadAllText(Path.Combine(Root, "agent.log"))}");

        var hostsFile = Path.Combine(Root, "agent-hosts.json");
        await File.WriteAllTextAsync(hostsFile, $$"""
            { "hosts": [ { "name": "{{HostName}}", "connection": "local", "platform": "linux-amd64", "binaryPath": "{{BinaryPath}}", "canary": true } ] }
            """);
        var arguments = Sandbox.ToolArguments.ToArray();
        arguments[Array.IndexOf(arguments, "--agent-hosts-file") + 1] = hostsFile;
        Result = await BuildScript.RunAsync(
            ["Upgrade", "--no-logo", "--version", "0.4.0", "--accept-breaking-changes", .. arguments], Environment, TimeSpan.FromMinutes(5));
    }

    public async Task DisposeAsync()
    {
        await StopLocalAgentAsync();
        await Sandbox.RemoveAsync();
    }

    /// <summary>The agent is a process on the test machine: it must not outlive the tests.</summary>
    async Task StopLocalAgentAsync()
    {
        if (File.Exists(Path.Combine(Root, "bin", "systemctl")))
            await ShellAsync("systemctl stop nexplane-agent.service");
    }

    public async Task<string> ShellAsync(string command)
    {
        var result = await Cli.Wrap("/bin/sh").WithArguments(["-c", command]).WithEnvironmentVariables(Environment)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"{command}: exit {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalAgentUpgradeTests(LocalAgentSandbox fixture) : IClassFixture<LocalAgentSandbox>
{
    [Fact]
    public void The_upgrade_exits_0_after_checking_and_upgrading_the_agent_on_this_machine()
    {
        Assert.True(fixture.Result.ExitCode == 0, fixture.Result.ToString());
        Assert.Contains($"1 on this machine: {fixture.HostName}", fixture.Result.Output);
        Assert.Matches(@"Agents\s+Succeeded", fixture.Result.Output);
        Assert.Contains("Upgraded and healthy: Nexplane 0.3.0 -> 0.4.0", fixture.Result.Output);
        Assert.Contains("agents 1/1 on 0.4.0", fixture.Result.Output);
    }

    [Fact]
    public async Task The_binary_is_the_published_0_4_0_one_the_old_one_is_kept_and_the_agent_registered_on_0_4_0()
    {
        Assert.Equal(await AgentHostProbe.PublishedHashAsync(fixture.Sandbox, "0.4.0"), Sha256Of(fixture.BinaryPath));
        Assert.Equal(await AgentHostProbe.PublishedHashAsync(fixture.Sandbox, "0.3.0"), Sha256Of(fixture.BinaryPath + ".old"));
        Assert.False(File.Exists(fixture.BinaryPath + ".new"));
        Assert.Equal("active", (await fixture.ShellAsync("systemctl is-active nexplane-agent.service")).Trim());
        var registered = await AgentHostProbe.RegisteredVersionsAsync(fixture.Sandbox);
        Assert.Equal("0.4.0", registered[fixture.HostName]);
    }

    static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
