using System.Net.Http.Json;
using EndToEnd.Tests.Support;
using Npgsql;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// A sandbox on 0.3.0 with three SSH agent hosts, upgraded to 0.4.0 (whose notes require an agent upgrade) once by
/// the real ./build.sh; each test checks one outcome.
/// </summary>
public sealed class AgentUpgradeSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(27);
    public IReadOnlyList<string> ProtectedBefore { get; private set; } = [];
    public BuildScriptResult Result { get; private set; } = new(-1, "");

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(Sandbox);
        await Sandbox.StartFreshAsync("0.3.0");
        ProtectedBefore = await UpgradedSandbox.ProtectedContainersAsync(Sandbox);
        Result = await UpgradeRun.RunAsync(Sandbox, "0.4.0");
    }

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

public sealed class AgentUpgradeTests(AgentUpgradeSandbox fixture) : IClassFixture<AgentUpgradeSandbox>
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public void The_upgrade_0_3_0_to_0_4_0_exits_0_with_the_agent_step_succeeded()
    {
        Assert.True(fixture.Result.ExitCode == 0, fixture.Result.ToString());
        foreach (var step in new[] { "Preflight", "Backup", "Pull", "Stop", "StartBackend", "VerifyMigrations", "Frontend", "Verify", "Agents" })
            Assert.Matches($@"{step}\s+Succeeded", fixture.Result.Output);
        Assert.Contains("Upgraded and healthy: Nexplane 0.3.0 -> 0.4.0", fixture.Result.Output);
    }

    [Fact]
    public async Task The_control_plane_runs_0_4_0_at_the_0_4_0_head_with_db_and_redis_untouched()
    {
        Assert.Equal("0.4.0", (await Http.GetStringAsync($"{_sandbox.BackendUrl}/downloads/version")).Trim());
        var frontend = await Http.GetFromJsonAsync<Dictionary<string, string>>($"{_sandbox.FrontendUrl}/version");
        Assert.Equal("0.4.0", frontend!["version"]);
        var password = File.ReadLines(_sandbox.EnvFile).First(l => l.StartsWith("POSTGRES_PASSWORD=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_sandbox.DatabasePort};Username=nexplane;Password={password};Database=nexplane");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version_num FROM alembic_version", connection);
        Assert.Equal("006_drop_legacy_flags", await command.ExecuteScalarAsync());
        Assert.Equal(fixture.ProtectedBefore, await UpgradedSandbox.ProtectedContainersAsync(_sandbox));
    }

    [Fact]
    public async Task Every_host_in_the_file_runs_the_verified_0_4_0_binary_and_registered_on_0_4_0()
    {
        var registered = await AgentHostProbe.RegisteredVersionsAsync(_sandbox);
        var published040 = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.4.0");
        var published030 = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.3.0");
        foreach (var host in _sandbox.AgentHosts)
        {
            Assert.Equal("0.4.0", registered[host]);
            Assert.Equal(published040, await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent"));
            // The previous binary stays beside it for a per-host rollback.
            Assert.Equal(published030, await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.old"));
            Assert.Null(await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.new"));
        }
    }

    [Fact]
    public void The_canary_goes_first_and_alone_then_the_other_hosts_in_one_wave()
    {
        var output = fixture.Result.Output;
        var canary = output.IndexOf($"Canary: {_sandbox.AgentHosts[0]}", StringComparison.Ordinal);
        var wave = output.IndexOf($"Wave 1 of 1: {_sandbox.AgentHosts[1]}, {_sandbox.AgentHosts[2]}", StringComparison.Ordinal);
        Assert.True(canary >= 0 && wave > canary, fixture.Result.ToString());
        Assert.True(output.IndexOf($"{_sandbox.AgentHosts[0]}: agent 0.4.0 registered", StringComparison.Ordinal) is var registered && registered > canary && registered < wave,
            "the canary must have registered on 0.4.0 before the wave started:" + Environment.NewLine + fixture.Result);
    }

    [Fact]
    public void Preflight_checked_the_hosts_and_the_binary_before_anything_stopped()
    {
        var output = fixture.Result.Output;
        var ready = output.IndexOf("3 host(s) ready over SSH", StringComparison.Ordinal);
        var verified = output.IndexOf("Agent binary nexplane-agent-linux-amd64-0.4.0: sha256 ", StringComparison.Ordinal);
        var stop = output.IndexOf("Stop", output.IndexOf("Preflight", ready > 0 ? ready : 0, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(ready > 0 && verified > 0, fixture.Result.ToString());
        Assert.True(stop > ready, fixture.Result.ToString());
    }

    [Fact]
    public void The_report_records_each_host_and_the_agents_outside_the_file_are_named()
    {
        using var report = UpgradeRun.ReadReport(fixture.Result);
        var agents = report.RootElement.GetProperty("agents").EnumerateArray().ToArray();
        Assert.Equal(_sandbox.AgentHosts, agents.Select(a => a.GetProperty("host").GetString()).Order());
        Assert.All(agents, agent =>
        {
            Assert.Equal("Upgraded", agent.GetProperty("result").GetString());
            Assert.Equal("0.3.0", agent.GetProperty("from_version").GetString());
            Assert.Equal("0.4.0", agent.GetProperty("to_version").GetString());
        });
        // The sandbox's three seeded agents are not in the file: the operator is told to upgrade them by hand.
        Assert.Contains("3 registered agent(s) not in the agent hosts file still run an older version", fixture.Result.Output);
        Assert.Contains("agent-windows-01 (windows, 0.2.0", fixture.Result.Output);
    }
}
