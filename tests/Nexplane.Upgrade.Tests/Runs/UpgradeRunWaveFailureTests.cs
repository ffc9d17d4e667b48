using System.Text.Json;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Tests.Agents;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>
/// A fleet of 11 simulated hosts (canary, then waves of 5) whose fourth host cannot start the new agent: the real
/// rollout and the real per-host upgrader run every command on each host's files. The failed host is rolled back on
/// its own, the other hosts of its wave end on the new version, the next wave never starts, and the closing line and
/// the report name the host.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UpgradeRunWaveFailureTests : IAsyncLifetime
{
    const string FailingHost = "fleet-004";
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-wave-failure-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();
    readonly SimulatedAgentHost[] _fleet = Enumerable.Range(1, 11).Select(n => new SimulatedAgentHost("0.3.0", $"fleet-{n:000}")).ToArray();
    SimulatedAgentHost Host(string name) => _fleet.Single(h => h.Host.Name == name);
    IEnumerable<SimulatedAgentHost> Hosts(int first, int last) => _fleet[(first - 1)..last];
    UpgradeRun _run = null!;
    InvalidOperationException? _failure;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Host(FailingHost).CrashingVersion = "0.4.0";
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        _run = new UpgradeRun(_output, TestAdvice.Nuke) { Journal = UpgradeJournal.Create(Path.Combine(_directory, "state"), "u1", compose) };
        _run.Record.Append(new VersionsChosen("0.3.0", "0.4.0"));

        var input = new AgentsInput(_fleet.Select(h => h.Host).ToArray(), NexplaneVersion.Parse("0.4.0"), new AgentsSettings(WaveSize: 5, "Rerun the agents alone"));
        _failure = await Record.ExceptionAsync(() => _run.UpgradeAgentsAsync(input, new SimulatedFleet(_fleet, _directory), CancellationToken.None))
            as InvalidOperationException;
        _run.FinishReport([new StepRecord("Verify", "Succeeded", 1, null), new StepRecord("Agents", "Failed", 1, null)],
            verifySucceeded: true, succeeding: false, Path.Combine(_directory, "reports"));
    }

    public Task DisposeAsync()
    {
        foreach (var host in _fleet)
            host.Delete();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void The_failed_host_is_rolled_back_on_its_own_to_its_old_binary_and_registered_on_it_again()
    {
        var failed = Host(FailingHost);
        Assert.Equal("0.3.0", failed.VersionOf(failed.BinaryPath));
        Assert.True(failed.ServiceRunning);
        Assert.Equal("0.3.0", failed.Registered!.Version);
        Assert.Equal(AgentHostResult.RolledBack, _run.Report.Agents.Single(a => a.Host == FailingHost).Result);
    }

    [Fact]
    public void The_other_hosts_of_its_wave_finish_and_end_registered_on_the_new_version()
    {
        foreach (var host in Hosts(1, 6).Where(h => h.Host.Name != FailingHost))
        {
            Assert.Equal("0.4.0", host.VersionOf(host.BinaryPath));
            Assert.Equal("0.4.0", host.Registered!.Version);
            Assert.Equal(AgentHostResult.Upgraded, _run.Report.Agents.Single(a => a.Host == host.Host.Name).Result);
        }
    }

    [Fact]
    public void The_next_wave_never_starts()
    {
        foreach (var host in Hosts(7, 11))
        {
            Assert.Empty(host.Commands);
            Assert.False(host.Exists(host.OldBinaryPath));
            Assert.Equal("0.3.0", host.Registered!.Version);
            Assert.Equal(AgentHostResult.NotAttempted, _run.Report.Agents.Single(a => a.Host == host.Host.Name).Result);
        }
        Assert.DoesNotContain(_output.Lines, line => line.Contains("Wave 2 of 2"));
    }

    [Fact]
    public void The_step_fails_and_the_closing_line_names_the_host()
    {
        Assert.NotNull(_failure);
        Assert.Contains($"{FailingHost}: RolledBack", _failure.Message);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Control plane upgraded and healthy")
            && line.EndsWith($"; but 6 of 11 agent host(s) are NOT on 0.4.0: {FailingHost} rolled back, 5 not attempted (see Agents above)"));
    }

    [Fact]
    public void The_report_names_the_host_in_its_outcome_and_records_each_host()
    {
        var report = Directory.GetFiles(Path.Combine(_directory, "reports"), "report-*.json").Single();
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal($"control plane upgraded and healthy on 0.4.0; 6 of 11 agent host(s) not upgraded: {FailingHost} rolled back, 5 not attempted",
            json.RootElement.GetProperty("outcome").GetString());
        var agents = json.RootElement.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("host").GetString()!, a => a.GetProperty("result").GetString());
        Assert.Equal(11, agents.Count);
        Assert.Equal("RolledBack", agents[FailingHost]);
    }

    /// <summary>The fleet as the Agents step reaches it: each host upgraded by the real upgrader, confirmed by its own record.</summary>
    sealed class SimulatedFleet(IReadOnlyList<SimulatedAgentHost> fleet, string directory) : IAgentHosts
    {
        readonly AgentBinary _binary = fleet[0].WriteBinaryFile("0.4.0", directory);

        public Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken) =>
            Task.FromResult<(VerificationGate, string?)>((new VerificationGate("login", true, "token received"), "token"));

        public Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RegisteredAgent>>(fleet.Select(h => h.Registered!).ToArray());

        public Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> BinariesAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyList<AgentBinary> verified,
        Nexplane.Upgrade.Releases.NexplaneVersion target, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<AgentPlatform, AgentBinary>>(new Dictionary<AgentPlatform, AgentBinary> { [AgentPlatform.LinuxAmd64] = _binary });

        public Task<AgentHostOutcome> UpgradeAgentAsync(AgentHost host, AgentBinary binary, string token, CancellationToken cancellationToken)
        {
            var simulated = fleet.Single(h => h.Host.Name == host.Name);
            var upgrader = new AgentHostUpgrader((_, _) => Task.FromResult<IAgentHostShell>(simulated), simulated,
                new AgentUpgradeTimings { RegistrationTimeout = TimeSpan.FromSeconds(10), PollInterval = TimeSpan.FromMilliseconds(10) }, _ => { });
            return upgrader.UpgradeAsync(host, binary, cancellationToken);
        }

        public Task<IReadOnlyList<AgentHostOutcome>> UpgradeAgentsWithAnsibleAsync(IReadOnlyList<AgentHost> hosts,
            IReadOnlyDictionary<AgentPlatform, AgentBinary> binaries, Nexplane.Upgrade.Releases.NexplaneVersion target, int waveSize, string token,
            CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this fleet is upgraded by the built-in engine only");
    }
}
