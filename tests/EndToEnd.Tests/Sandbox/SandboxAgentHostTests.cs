using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Sandbox;

/// <summary>Sandbox instance 51 on 0.2.0 with its 3 agent hosts, shared by the agent-host tests.</summary>
public sealed class AgentHostSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(51);

    /// <summary>The agents the backend listed right after sandbox-up, before any test touched a host.</summary>
    public JsonElement AgentsAfterUp { get; private set; }

    public async Task InitializeAsync()
    {
        await Sandbox.StartFreshAsync("0.2.0");
        AgentsAfterUp = await new AgentHostClient(Sandbox).AgentsAsync();
    }

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

/// <summary>The agent hosts as the Agents step meets them: real SSH (the ssh CLI), the inventory, the systemctl shim.</summary>
public sealed class SandboxAgentHostTests(AgentHostSandbox fixture) : IClassFixture<AgentHostSandbox>
{
    readonly SandboxInstance sandbox = fixture.Sandbox;
    readonly AgentHostClient client = new(fixture.Sandbox);

    [Fact]
    public void The_inventory_lists_three_hosts_with_their_ports_key_binary_and_one_canary()
    {
        var hosts = client.Hosts();
        var key = Path.Combine(sandbox.DeployDirectory, "agent-ssh-key");

        Assert.Equal([$"{sandbox.Project}-agent-1", $"{sandbox.Project}-agent-2", $"{sandbox.Project}-agent-3"],
            hosts.Select(host => host.GetProperty("name").GetString()));
        Assert.Equal([20515, 20516, 20517], hosts.Select(host => host.GetProperty("port").GetInt32()));
        Assert.Equal([true, false, false], hosts.Select(host => host.GetProperty("canary").GetBoolean()));
        foreach (var host in hosts)
        {
            Assert.Equal("127.0.0.1", host.GetProperty("address").GetString());
            Assert.Equal("root", host.GetProperty("user").GetString());
            Assert.Equal("agent-ssh-key", host.GetProperty("identityFile").GetString());
            Assert.Matches("^SHA256:[A-Za-z0-9+/]{43}$", host.GetProperty("hostKeySha256").GetString());
            Assert.Equal("linux-amd64", host.GetProperty("platform").GetString());
            Assert.Equal("/usr/local/bin/nexplane-agent", host.GetProperty("binaryPath").GetString());
            Assert.Equal("nexplane-agent.service", host.GetProperty("service").GetString());
        }
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(client.InventoryPath));
        }
    }

    [Fact]
    public async Task Every_host_answers_over_SSH_with_the_inventory_host_key_and_runs_the_deployed_release_asset()
    {
        var expectedSha256 = (await AgentHostClient.Http.GetStringAsync(
            $"{sandbox.GitHubApiUrl}youbetyourballs/nexplane/releases/download/v0.2.0/nexplane-agent-linux-amd64-0.2.0.sha256")).Split(' ')[0];

        foreach (var host in client.Hosts())
        {
            var result = await client.SshAsync(host, "systemctl is-active nexplane-agent; uname -m; sha256sum /usr/local/bin/nexplane-agent", verbose: true);

            Assert.True(result.ExitCode == 0, result.ToString());
            // What the client saw in the key exchange, not what a separate scan reports.
            var seen = Regex.Match(result.Error, @"Server host key: ssh-ed25519 (SHA256:\S+)").Groups[1].Value;
            Assert.Equal(host.GetProperty("hostKeySha256").GetString(), seen);
            Assert.Equal(["active", "x86_64", $"{expectedSha256}  /usr/local/bin/nexplane-agent"], result.Lines);
        }
    }

    [Fact]
    public void After_sandbox_up_the_backend_lists_the_sample_agents_and_the_three_hosts_on_the_deployed_version()
    {
        var agents = fixture.AgentsAfterUp.EnumerateArray()
            .ToDictionary(agent => agent.GetProperty("name").GetString()!, agent => agent.GetProperty("asset_metadata").GetProperty("agent_version").GetString());

        Assert.Equal(6, agents.Count);
        foreach (var name in new[] { "agent-linux-01", "agent-windows-01", "agent-darwin-01" })
            Assert.Equal("0.2.0", agents[name]);
        foreach (var host in client.Hosts())
            Assert.Equal("0.2.0", agents[host.GetProperty("name").GetString()!]);
    }

    [Fact]
    public async Task Systemctl_stop_makes_the_service_inactive_and_start_registers_the_agent_again()
    {
        var host = client.Hosts()[1];
        var name = host.GetProperty("name").GetString()!;

        var stop = await client.SshAsync(host, "systemctl stop nexplane-agent.service");
        var inactive = await client.SshAsync(host, "systemctl is-active nexplane-agent");
        // Heartbeats are 2 s apart: after 3 s without one the stop is visible on the control plane too.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var silentFor = await client.SecondsSinceSeenAsync(name);
        var start = await client.SshAsync(host, "systemctl start nexplane-agent.service");
        var active = await client.SshAsync(host, "systemctl is-active nexplane-agent");
        await client.WaitUntilRegisteredAsync(name, "0.2.0", seenWithinSeconds: 1.5);
        var journal = await client.SshAsync(host, "journalctl -u nexplane-agent -n 50 --no-pager");

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal((3, "inactive"), (inactive.ExitCode, inactive.Output.Trim()));
        Assert.True(silentFor >= 2.5, $"the stopped agent was seen {silentFor} s ago");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal((0, "active"), (active.ExitCode, active.Output.Trim()));
        Assert.Contains("Nexplane Agent stopping", journal.Output);
        Assert.Matches(@"Nexplane Agent stopping\n(.*\n)*.*Nexplane Agent 0\.2\.0 starting\n(.*\n)*.*registered with control plane", journal.Output);
    }

    [Fact]
    public async Task Uploading_the_0_4_0_asset_and_restarting_the_service_makes_the_host_report_0_4_0()
    {
        var host = client.Hosts()[2];
        var name = host.GetProperty("name").GetString()!;
        var asset = $"{sandbox.GitHubApiUrl}youbetyourballs/nexplane/releases/download/v0.4.0/nexplane-agent-linux-amd64-0.4.0";
        var binary = await AgentHostClient.Http.GetByteArrayAsync(asset);

        // The Agents step's sequence: upload, verify, stop, keep the old binary, install, start.
        var upload = await client.SshAsync(host, "cat > /tmp/nexplane-agent.new", stdin: binary);
        var uploaded = await client.SshAsync(host, "sha256sum /tmp/nexplane-agent.new");
        var swap = await client.SshAsync(host,
            "systemctl stop nexplane-agent && cp /usr/local/bin/nexplane-agent /usr/local/bin/nexplane-agent.old " +
            "&& chmod 755 /tmp/nexplane-agent.new && mv /tmp/nexplane-agent.new /usr/local/bin/nexplane-agent " +
            "&& systemctl start nexplane-agent");
        await client.WaitUntilRegisteredAsync(name, "0.4.0", seenWithinSeconds: 1.5);
        var journal = await client.SshAsync(host, "journalctl -u nexplane-agent -n 20 --no-pager");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(binary))}  /tmp/nexplane-agent.new", uploaded.Output.Trim());
        Assert.True(swap.ExitCode == 0, swap.ToString());
        Assert.Contains("Nexplane Agent 0.4.0 starting", journal.Output);
    }
}

/// <summary>SSH (the ssh CLI, key and ports from the inventory) and the backend's view of the agents, for one instance.</summary>
public sealed class AgentHostClient(SandboxInstance sandbox)
{
    public static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string InventoryPath => Path.Combine(sandbox.DeployDirectory, "agent-hosts.json");

    public IReadOnlyList<JsonElement> Hosts() =>
        [.. JsonDocument.Parse(File.ReadAllText(InventoryPath)).RootElement.GetProperty("hosts").EnumerateArray().Select(host => host.Clone())];

    public sealed record SshResult(int ExitCode, string Output, string Error)
    {
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public async Task<SshResult> SshAsync(JsonElement host, string command, byte[]? stdin = null, bool verbose = false)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        var identity = Path.Combine(Path.GetDirectoryName(InventoryPath)!, host.GetProperty("identityFile").GetString()!);
        var result = await Cli.Wrap("ssh")
            .WithArguments([
                "-i", identity, "-p", host.GetProperty("port").GetInt32().ToString(),
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", "-o", verbose ? "LogLevel=DEBUG1" : "LogLevel=ERROR",
                $"{host.GetProperty("user").GetString()}@{host.GetProperty("address").GetString()}", command])
            .WithStandardInputPipe(stdin is null ? PipeSource.Null : PipeSource.FromBytes(stdin))
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return new SshResult(result.ExitCode, output.ToString(), error.ToString());
    }

    async Task<string> LoginAsync()
    {
        var password = File.ReadLines(sandbox.EnvFile).Last(line => line.StartsWith("NEXPLANE_ADMIN_PASSWORD=", StringComparison.Ordinal)).Split('=', 2)[1];
        using var response = await Http.PostAsJsonAsync($"{sandbox.BackendUrl}/auth/login", new { email = SandboxEnvironment.AdminEmail, password });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary><c>GET /assets?tag=nexplane-agent</c>, as the upgrade tool's Verify reads it.</summary>
    public async Task<JsonElement> AgentsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{sandbox.BackendUrl}/assets?tag=nexplane-agent");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await LoginAsync());
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    async Task<JsonElement> AgentAsync(string name) =>
        (await AgentsAsync()).EnumerateArray().Single(agent => agent.GetProperty("name").GetString() == name);

    /// <summary>Seconds since the agent's last registration, from the backend's <c>/agent/status/{id}</c>.</summary>
    public async Task<double> SecondsSinceSeenAsync(string name)
    {
        var id = (await AgentAsync(name)).GetProperty("id").GetInt32();
        var status = JsonDocument.Parse(await Http.GetStringAsync($"{sandbox.BackendUrl}/agent/status/{id}")).RootElement;
        return status.GetProperty("seconds_ago").GetDouble();
    }

    public async Task WaitUntilRegisteredAsync(string name, string version, double seenWithinSeconds, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var agent = await AgentAsync(name);
            last = agent.GetProperty("asset_metadata").ToString();
            if (agent.GetProperty("asset_metadata").GetProperty("agent_version").GetString() == version
                && await SecondsSinceSeenAsync(name) <= seenWithinSeconds)
                return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"{name} did not register on {version} within {timeoutSeconds} s; last seen as {last}");
    }
}
