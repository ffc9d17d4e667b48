using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Tests.Time;

namespace Nexplane.Upgrade.Tests.Agents;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentHostUpgraderTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("agent-upgrader-").FullName;
    readonly SimulatedAgentHost _host = new("0.3.0");
    readonly List<string> _log = new();
    // Registration waits pass on this clock at once: a timeout test takes no real time.
    readonly AdvancingClock _clock = new();
    int _connections;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        _host.Delete();
    }

    AgentHostUpgrader Upgrader(TimeSpan? registrationTimeout = null) => new(
        (_, _) => { _connections++; return Task.FromResult<IAgentHostShell>(_host); },
        _host,
        new AgentUpgradeTimings { RegistrationTimeout = registrationTimeout ?? TimeSpan.FromSeconds(2), PollInterval = TimeSpan.FromMilliseconds(10) },
        _log.Add, _clock);

    Task<AgentHostOutcome> UpgradeTo040Async(CancellationToken cancellationToken = default, TimeSpan? registrationTimeout = null) =>
        Upgrader(registrationTimeout).UpgradeAsync(_host.Host, _host.WriteBinaryFile("0.4.0", _directory), cancellationToken);

    [Fact]
    public async Task Installs_the_new_binary_keeps_the_old_one_and_ends_when_the_agent_registers_on_the_new_version()
    {
        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.Upgraded, outcome.Result);
        Assert.Equal(("0.3.0", "0.4.0"), (outcome.FromVersion, outcome.ToVersion));
        Assert.Equal("0.4.0", _host.VersionOf(_host.BinaryPath));
        Assert.Equal("0.3.0", _host.VersionOf(_host.OldBinaryPath));
        Assert.False(_host.Exists(_host.NewBinaryPath));
        Assert.True(_host.ServiceRunning);
        Assert.Equal("0.4.0", _host.Registered!.Version);
    }

    [Fact]
    public async Task A_registration_on_the_new_version_counts_even_within_the_same_second_as_the_last_heartbeat()
    {
        _host.SameSecond = true;
        _host.Heartbeat();

        var outcome = await UpgradeTo040Async();

        // No further heartbeat comes: an upgrader waiting for a newer last_seen would run into the registration
        // timeout and roll the host back instead.
        Assert.Equal(AgentHostResult.Upgraded, outcome.Result);
        Assert.Equal("0.4.0", _host.RunningVersion);
    }

    [Fact]
    public async Task An_agent_that_dies_after_starting_is_rolled_back_and_must_register_on_the_old_version_again()
    {
        _host.CrashingVersion = "0.4.0";

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.RolledBack, outcome.Result);
        Assert.Contains("the agent service stopped after starting", outcome.Detail);
        Assert.Contains("ERROR startup failed on this host (0.4.0)", outcome.Detail);
        Assert.Contains("the old agent 0.3.0 registered again", outcome.Detail);
        Assert.Equal("0.3.0", _host.VersionOf(_host.BinaryPath));
        Assert.True(_host.ServiceRunning);
        Assert.Equal("0.3.0", _host.Registered!.Version);
    }

    [Fact]
    public async Task An_agent_that_never_registers_is_rolled_back_after_the_registration_timeout()
    {
        _host.SilentVersion = "0.4.0";

        var outcome = await UpgradeTo040Async(registrationTimeout: TimeSpan.FromMilliseconds(300));

        Assert.Equal(AgentHostResult.RolledBack, outcome.Result);
        Assert.Contains("did not register on 0.4.0 with the control plane within 0.3 s", outcome.Detail);
        Assert.Equal("0.3.0", _host.VersionOf(_host.BinaryPath));
    }

    [Fact]
    public async Task The_registration_wait_runs_on_the_clock_polling_until_exactly_the_timeout_then_rolls_back()
    {
        _host.SilentVersion = "0.4.0";
        // The shipped timings: a minute of real waiting, unless the wait is on the run's clock.
        var upgrader = new AgentHostUpgrader((_, _) => Task.FromResult<IAgentHostShell>(_host), _host, new AgentUpgradeTimings(), _log.Add, _clock);

        var outcome = await upgrader.UpgradeAsync(_host.Host, _host.WriteBinaryFile("0.4.0", _directory), CancellationToken.None);

        Assert.Equal(AgentHostResult.RolledBack, outcome.Result);
        Assert.Contains("did not register on 0.4.0 with the control plane within 60 s", outcome.Detail);
        // 60 s of 250 ms polls; the old agent registers again at the rollback's first look, so no further wait.
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMilliseconds(250), 240), _clock.Delays);
        Assert.Equal(60, outcome.Seconds);
        // The service manager is asked every 8th poll (2 s) whether the new agent died.
        Assert.Equal(30, _host.Commands.Count(command => command.Contains("systemctl is-active")));
    }

    [Fact]
    public async Task The_binary_travels_compressed_to_a_host_with_gzip_and_arrives_byte_for_byte()
    {
        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.Upgraded, outcome.Result);
        Assert.Contains(_host.Commands, command => command.StartsWith("gzip -dc > ", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Commands, command => command.StartsWith("cat > ", StringComparison.Ordinal));
        Assert.Equal(SimulatedAgentHost.Binary("0.4.0"), File.ReadAllBytes(_host.BinaryPath));
    }

    [Fact]
    public async Task A_host_without_gzip_gets_the_binary_uncompressed()
    {
        _host.HasGzip = false;

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.Upgraded, outcome.Result);
        Assert.Contains(_host.Commands, command => command.StartsWith("cat > ", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Commands, command => command.Contains("gzip -dc", StringComparison.Ordinal));
        Assert.Equal("0.4.0", _host.VersionOf(_host.BinaryPath));
    }

    [Fact]
    public async Task A_damaged_compressed_upload_fails_gzips_check_is_removed_and_the_running_agent_is_never_stopped()
    {
        _host.DamageUploads = true;

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.NotChanged, outcome.Result);
        Assert.Contains("failed", outcome.Detail);
        Assert.Contains("the partial copy was removed", outcome.Detail);
        Assert.False(_host.Exists(_host.NewBinaryPath));
        Assert.DoesNotContain(_host.Commands, command => command.StartsWith("systemctl", StringComparison.Ordinal) && !command.Contains("is-active"));
        Assert.Equal("0.3.0", _host.VersionOf(_host.BinaryPath));
    }

    [Fact]
    public async Task A_damaged_upload_is_removed_and_the_running_agent_is_never_stopped()
    {
        // Uncompressed, so only the sha256 check can tell.
        _host.HasGzip = false;
        _host.DamageUploads = true;

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.NotChanged, outcome.Result);
        Assert.Contains("the copy was damaged in transit and removed", outcome.Detail);
        Assert.False(_host.Exists(_host.NewBinaryPath));
        Assert.DoesNotContain(_host.Commands, command => command.StartsWith("systemctl", StringComparison.Ordinal) && !command.Contains("is-active"));
        Assert.Equal("0.3.0", _host.VersionOf(_host.BinaryPath));
    }

    [Fact]
    public async Task A_host_of_another_platform_is_left_alone_before_anything_is_uploaded()
    {
        _host.Machine = "aarch64";

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.NotChanged, outcome.Result);
        Assert.Contains("reports machine 'aarch64' (linux-arm64), not linux-amd64", outcome.Detail);
        Assert.Equal(["uname -m"], _host.Commands);
    }

    [Fact]
    public async Task A_host_already_registered_on_the_new_version_is_not_even_connected_to()
    {
        Assert.Equal(AgentHostResult.Upgraded, (await UpgradeTo040Async()).Result);
        _connections = 0;

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.AlreadyCurrent, outcome.Result);
        Assert.Equal(0, _connections);
    }

    [Fact]
    public async Task A_host_left_with_the_new_binary_by_a_killed_run_keeps_its_real_old_binary_when_resumed()
    {
        // The killed run had swapped the binary in but the agent never registered before the kill.
        File.Copy(_host.BinaryPath, _host.OldBinaryPath);
        _host.Install(_host.BinaryPath, "0.4.0");

        var outcome = await UpgradeTo040Async();

        Assert.Equal(AgentHostResult.Upgraded, outcome.Result);
        Assert.Equal("0.3.0", _host.VersionOf(_host.OldBinaryPath));
    }

    [Fact]
    public async Task Ctrl_C_while_waiting_for_the_new_agent_rolls_the_host_back_before_giving_up()
    {
        _host.SilentVersion = "0.4.0";
        using var cancellation = new CancellationTokenSource();
        // Ctrl+C while the new agent runs and the upgrader waits for it to register.
        _host.OnRegistryRead = () => { if (_host.RunningVersion == "0.4.0") cancellation.Cancel(); };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => UpgradeTo040Async(cancellation.Token, TimeSpan.FromSeconds(30)));

        Assert.Equal("0.3.0", _host.VersionOf(_host.BinaryPath));
        Assert.True(_host.ServiceRunning);
        Assert.Contains(_log, line => line.StartsWith("web-01: RolledBack after cancellation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rolling_back_a_finished_upgrade_puts_the_kept_binary_back_and_waits_for_the_old_version_to_register()
    {
        Assert.Equal(AgentHostResult.Upgraded, (await UpgradeTo040Async()).Result);

        var outcome = await Upgrader().RollBackAsync(_host.Host, "0.3.0", "0.4.0", CancellationToken.None);

        Assert.Equal(AgentHostResult.RolledBack, outcome.Result);
        Assert.Equal(("0.4.0", "0.3.0"), (outcome.FromVersion, outcome.ToVersion));
        Assert.Equal("0.3.0", _host.VersionOf(_host.BinaryPath));
        Assert.True(_host.ServiceRunning);
        Assert.Equal("0.3.0", _host.Registered!.Version);
    }

    [Fact]
    public async Task Rolling_back_a_host_whose_old_binary_does_not_come_up_needs_a_human_and_says_what_to_run()
    {
        Assert.Equal(AgentHostResult.Upgraded, (await UpgradeTo040Async()).Result);
        _host.CrashingVersion = "0.3.0";

        var outcome = await Upgrader(TimeSpan.FromMilliseconds(300)).RollBackAsync(_host.Host, "0.3.0", "0.4.0", CancellationToken.None);

        Assert.Equal(AgentHostResult.NeedsHuman, outcome.Result);
        Assert.Contains("the upgrade is rolled back; after putting the old binary back", outcome.Detail);
        Assert.Contains($"On {_host.Host.Name} run: systemctl stop", outcome.Detail);
    }
}
