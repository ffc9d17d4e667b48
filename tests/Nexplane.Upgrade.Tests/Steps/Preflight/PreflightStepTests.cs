using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Tests.Runs;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>Preflight as it reads the deployment (its answers given as data) and says what it found.</summary>
public sealed class PreflightStepTests
{
    readonly RecordedOutput _output = new();

    Task<PreflightReport> RunAsync(RecordedPreflightFacts deployment, PreflightSettings? settings = null) =>
        new PreflightStep(_output).RunAsync(settings ?? SampleSettings, deployment, CancellationToken.None);

    [Fact]
    public async Task A_ready_deployment_is_read_in_order_and_its_version_and_notes_are_said()
    {
        var deployment = new RecordedPreflightFacts();

        var report = await RunAsync(deployment);

        Assert.True(report.CanUpgrade);
        Assert.Equal([
            "files /deploy/docker-compose.yml",
            "containers db,redis,backend,worker,frontend",
            "version http://127.0.0.1:8000/",
            "login admin@example.com",
            "releases 0.2.0 -> 0.3.0",
            "registry registry.local/nexplane-backend:0.3.0,registry.local/nexplane-backend:0.3.0,registry.local/nexplane-frontend:0.3.0",
            "database nexplane",
            "disk /backups",
        ], deployment.Calls);
        Assert.Equal([
            "INF Running version: 0.2.0 (from /health (JSON field 'version'))",
            "INF Release notes: 1 release(s) after 0.2.0 up to 0.3.0 from youbetyourballs/nexplane",
        ], _output.Lines);
        Assert.Equal(["sha256:found", "sha256:found", "sha256:found"], report.Services.Select(s => s.ToDigest));
    }

    [Fact]
    public async Task A_malformed_version_reads_nothing()
    {
        var deployment = new RecordedPreflightFacts();

        await Assert.ThrowsAsync<PreflightException>(() => RunAsync(deployment, SampleSettings with { TargetVersion = "next" }));

        Assert.Empty(deployment.Calls);
    }

    [Fact]
    public async Task Version_latest_is_the_newest_stable_release_said_once_and_read_as_if_asked_for()
    {
        var deployment = new RecordedPreflightFacts();

        var report = await RunAsync(deployment, SampleSettings with { TargetVersion = "latest" });

        Assert.True(report.CanUpgrade);
        Assert.Equal(NexplaneVersion.Parse("0.3.0"), report.Target);
        Assert.Equal(["published releases", "files /deploy/docker-compose.yml"], deployment.Calls.Take(2));
        Assert.Contains("releases 0.2.0 -> 0.3.0", deployment.Calls);
        Assert.Equal("INF --version latest is 0.3.0, the newest published release of youbetyourballs/nexplane", _output.Lines[0]);
    }

    [Fact]
    public async Task Version_latest_without_a_list_of_releases_reads_nothing_else()
    {
        var deployment = new RecordedPreflightFacts
        {
            Published = new([], "published release of youbetyourballs/nexplane", "GitHub at https://api.github.com/ answered 403 Forbidden."),
        };

        var refusal = await Assert.ThrowsAsync<PreflightException>(() => RunAsync(deployment, SampleSettings with { TargetVersion = "latest" }));

        Assert.Equal(["published releases"], deployment.Calls);
        Assert.StartsWith("--version latest needs the list of releases, which could not be read: GitHub at", refusal.Message);
        Assert.Empty(_output.Lines);
    }

    [Fact]
    public async Task Without_a_running_version_there_is_no_login_and_no_release_notes_to_read()
    {
        var deployment = new RecordedPreflightFacts { Running = new RunningVersion(null, "No version endpoint answered") };

        var report = await RunAsync(deployment);

        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("login") || call.StartsWith("releases"));
        Assert.Equal(["current-version"], report.Failures.Select(f => f.Gate));
        Assert.Empty(_output.Lines);
    }

    [Fact]
    public async Task Release_notes_that_cannot_be_read_are_not_said_as_read()
    {
        var deployment = new RecordedPreflightFacts { Releases = ReleaseFacts.Unreadable("GitHub answered 503") };

        var report = await RunAsync(deployment);

        Assert.Equal(["release-notes"], report.Failures.Select(f => f.Gate));
        Assert.DoesNotContain(_output.Lines, line => line.Contains("Release notes"));
    }

    [Fact]
    public async Task The_agent_hosts_are_checked_only_when_an_agent_upgrade_is_due()
    {
        var deployment = new RecordedPreflightFacts();

        await RunAsync(deployment, SampleSettings with { Agents = new AgentSettings { HostsFile = "/deploy/agent-hosts.yml" } });

        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("agent hosts"));
    }

    [Fact]
    public async Task Ready_agent_hosts_are_said_with_how_each_is_reached()
    {
        var hosts = new[]
        {
            new AgentHost { Name = "edge-1", Address = "10.0.0.5", Platform = AgentPlatform.LinuxAmd64 },
            new AgentHost { Name = "edge-2", Address = "10.0.0.6", Platform = AgentPlatform.LinuxArm64 },
            new AgentHost { Name = "laptop", Local = true, Platform = AgentPlatform.LinuxAmd64 },
        };
        var deployment = new RecordedPreflightFacts { Agents = new AgentPreflightResult(hosts, [], [], ["edge-2: agent 0.2.0 is older than the control plane"]) };

        var report = await RunAsync(deployment, SampleSettings with { Agents = new AgentSettings { HostsFile = "/deploy/agent-hosts.yml", UpgradeRequested = true } });

        Assert.Contains("agent hosts /deploy/agent-hosts.yml for 0.3.0", deployment.Calls);
        Assert.Equal([
            "INF edge-2: agent 0.2.0 is older than the control plane",
            "INF Agents: --upgrade-agents was given; 2 host(s) ready over SSH: edge-1, edge-2; 1 on this machine: laptop",
        ], _output.Lines.Skip(2));
        Assert.Equal(3, report.AgentHosts.Count);
    }

    [Fact]
    public async Task Agent_hosts_with_problems_are_not_said_ready()
    {
        var deployment = new RecordedPreflightFacts { Agents = new AgentPreflightResult([], [], ["edge-1 does not answer over SSH"], []) };

        var report = await RunAsync(deployment, SampleSettings with { Agents = new AgentSettings { HostsFile = "/deploy/agent-hosts.yml", UpgradeRequested = true } });

        Assert.Equal(new UpgradeGateFailure("agents", "edge-1 does not answer over SSH"), Assert.Single(report.Failures));
        Assert.DoesNotContain(_output.Lines, line => line.Contains("Agents:"));
    }

    [Fact]
    public async Task The_target_images_are_spelled_as_the_deployment_pins_its_tags()
    {
        var deployment = new RecordedPreflightFacts { Files = Files(envText: "NEXPLANE_TAG=v0.2.0\n") };

        await RunAsync(deployment);

        Assert.Contains("registry registry.local/nexplane-backend:v0.3.0,registry.local/nexplane-backend:v0.3.0,registry.local/nexplane-frontend:v0.3.0",
            deployment.Calls);
    }

    [Fact]
    public async Task The_disk_is_not_read_when_the_database_is_unreachable()
    {
        var deployment = new RecordedPreflightFacts { Database = DatabaseFacts.Unreachable("connection refused") };

        var report = await RunAsync(deployment);

        Assert.DoesNotContain(deployment.Calls, call => call.StartsWith("disk"));
        Assert.Equal(["database"], report.Failures.Select(f => f.Gate));
    }

}
