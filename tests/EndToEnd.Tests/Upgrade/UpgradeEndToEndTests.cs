using System.Net.Http.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using EndToEnd.Tests.Support;
using Npgsql;

namespace EndToEnd.Tests.Upgrade;

/// <summary>A sandbox instance on 0.2.0, upgraded to 0.3.0 once by the real ./build.sh; each test checks one outcome.</summary>
public sealed class UpgradedSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(25);
    public string ComposeBefore { get; private set; } = "";
    public IReadOnlyList<string> ProtectedBefore { get; private set; } = [];
    public BuildScriptResult Result { get; private set; } = new(-1, "");

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(Sandbox);
        await Sandbox.StartFreshAsync("0.2.0");
        ComposeBefore = await File.ReadAllTextAsync(Sandbox.ComposeFile);
        ProtectedBefore = await ProtectedContainersAsync(Sandbox);
        Result = await UpgradeRun.RunAsync(Sandbox, "0.3.0");
    }

    public Task DisposeAsync() => Sandbox.RemoveAsync();

    /// <summary>db and redis as an operator would compare them: container id, start time, restart count, state.</summary>
    public static async Task<IReadOnlyList<string>> ProtectedContainersAsync(SandboxInstance sandbox)
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var lines = new List<string>();
        foreach (var service in new[] { "db", "redis" })
        {
            var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool>
                    {
                        [$"com.docker.compose.project={sandbox.Project}"] = true,
                        [$"com.docker.compose.service={service}"] = true,
                    },
                },
            });
            foreach (var item in listed)
            {
                var inspected = await docker.Containers.InspectContainerAsync(item.ID);
                lines.Add($"{service} {inspected.ID} started {inspected.State.StartedAt} restarts {inspected.RestartCount} {inspected.State.Status}");
            }
        }
        return lines;
    }
}

public sealed class UpgradeEndToEndTests(UpgradedSandbox fixture) : IClassFixture<UpgradedSandbox>
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public void The_upgrade_exits_0_with_every_built_step_succeeded()
    {
        Assert.True(fixture.Result.ExitCode == 0, fixture.Result.ToString());
        foreach (var step in new[] { "Preflight", "Pull", "Stop", "StartBackend", "Frontend", "Verify" })
            Assert.Matches($@"{step}\s+Succeeded", fixture.Result.Output);
    }

    [Fact]
    public async Task The_backend_and_the_frontend_serve_the_new_version()
    {
        Assert.Equal("0.3.0", (await Http.GetStringAsync($"{_sandbox.BackendUrl}/downloads/version")).Trim());
        var frontend = await Http.GetFromJsonAsync<Dictionary<string, string>>($"{_sandbox.FrontendUrl}/version");
        Assert.Equal("0.3.0", frontend!["version"]);
    }

    [Fact]
    public async Task The_database_is_at_the_new_head_with_the_sample_data_transformed()
    {
        await using var connection = await DeploymentSnapshot.OpenDatabaseAsync(_sandbox);
        await using var head = new NpgsqlCommand("select version_num from alembic_version", connection);
        Assert.Equal("004_backfill_asset_owner", await head.ExecuteScalarAsync());
        // 004 made owner NOT NULL, backfilled from metadata or the creator.
        await using var owners = new NpgsqlCommand("select count(*) from assets where owner is null or owner = ''", connection);
        Assert.Equal(0L, await owners.ExecuteScalarAsync());
        // 003 gave every agent a tunnel: the three seeded agents and the three agent hosts that registered.
        await using var tunnels = new NpgsqlCommand("select count(*) from agent_tunnels", connection);
        Assert.Equal(6L, await tunnels.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Db_and_redis_keep_their_containers_start_times_and_restart_counts()
    {
        Assert.Equal(2, fixture.ProtectedBefore.Count);
        Assert.Equal(fixture.ProtectedBefore, await UpgradedSandbox.ProtectedContainersAsync(_sandbox));
    }

    [Fact]
    public async Task The_compose_file_changed_only_in_the_tags_of_the_image_lines()
    {
        var before = fixture.ComposeBefore.Split('\n');
        var after = (await File.ReadAllTextAsync(_sandbox.ComposeFile)).Split('\n');

        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Where(pair => pair.First != pair.Second).ToArray();
        Assert.Equal(3, changed.Length);
        Assert.All(changed, pair =>
        {
            Assert.Contains("image: ", pair.First);
            Assert.Equal(pair.First.Replace(":0.2.0", ":0.3.0"), pair.Second);
        });
        // And the copy kept for the rollback is the original, byte for byte.
        var copy = Assert.Single(Directory.GetFiles(_sandbox.DeployDirectory, "docker-compose.yml.pre-upgrade-*"));
        Assert.Equal(fixture.ComposeBefore, await File.ReadAllTextAsync(copy));
    }

    [Fact]
    public void Stop_ends_the_app_gracefully_before_the_fallback_timeout_and_kills_nothing()
    {
        var stopped = UpgradeRun.StoppedContainers(fixture.Result);

        Assert.Equal(["backend", "worker"], stopped.Select(s => s.Service).Order());
        Assert.All(stopped, s =>
        {
            // Exit 0, not 137: stopped by its TERM, not killed by the --stop-timeout fallback. Its speed is measured by
            // benchmarks/downtime.sh, not here.
            Assert.Equal(0, s.ExitCode);
        });
    }

    [Fact]
    public void Migrations_are_reported_as_they_run_and_recorded_with_digests_and_downtime()
    {
        Assert.Contains("Running upgrade 002_asset_tags -> 003_agent_tunnels, add agent tunnels", fixture.Result.Output);
        Assert.Contains("Running upgrade 003_agent_tunnels -> 004_backfill_asset_owner, backfill asset owner", fixture.Result.Output);

        using var report = UpgradeRun.ReadReport(fixture.Result);
        var root = report.RootElement;
        Assert.Equal("004_backfill_asset_owner", root.GetProperty("migration_head").GetString());
        Assert.Equal(2, root.GetProperty("migrations").GetArrayLength());
        foreach (var service in new[] { "backend", "worker", "frontend" })
            Assert.Matches(@":0\.3\.0@sha256:[0-9a-f]{64}$", root.GetProperty("images").GetProperty(service).GetString());
        // Recorded, not judged: how long the downtime takes is the benchmarks' business (a busy machine took 17.8 s).
        Assert.True(root.GetProperty("downtime_seconds").GetDouble() > 0, "no downtime was recorded in the report");
    }

    [Fact]
    public void Verify_logged_in_and_listed_the_assets_without_printing_the_password()
    {
        Assert.Contains("[ok] login: admin@nexplane.local logged in", fixture.Result.Output);
        Assert.Contains("[ok] assets: 53 assets listed", fixture.Result.Output);
        var password = File.ReadLines(_sandbox.EnvFile).First(l => l.StartsWith("NEXPLANE_ADMIN_PASSWORD=", StringComparison.Ordinal)).Split('=', 2)[1];
        Assert.DoesNotContain(password, fixture.Result.Output);
    }

    [Fact]
    public void Agents_older_than_the_new_control_plane_are_reported_by_name()
    {
        // Three seeded agents and the three agent hosts, all on 0.2.0; 0.3.0's notes require no agent upgrade.
        Assert.Contains("Agents: 6 of 6 registered agent(s) run a version older than the control plane (0.3.0)", fixture.Result.Output);
        Assert.Contains("agent-linux-01 (linux, 0.2.0", fixture.Result.Output);
        Assert.Matches(@"Agents\s+Skipped\s+// OnlyWhen: AgentUpgradeRequired", fixture.Result.Output);
    }
}
