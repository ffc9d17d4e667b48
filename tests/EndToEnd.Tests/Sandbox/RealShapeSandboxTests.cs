using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;
using Docker.DotNet.Models;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Sandbox;

// The real-shaped sandbox (scripts/sandbox-up.sh --shape real), instances 60-61. One collection: the two instances
// come up one after the other, not side by side on a 2-core machine.
[CollectionDefinition(Name)]
public sealed class RealShapeSandboxCollection
{
    public const string Name = "Real-shape sandbox";
}

/// <summary>Sandbox instance 60 in the real shape on 0.2.0, left as sandbox-up made it (the tests only read).</summary>
public sealed class RealShapeSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(60);

    public Task InitializeAsync() => Sandbox.StartFreshAsync("0.2.0", SandboxShape.Real);

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

/// <summary>
/// The deployment shape real Nexplane production installs have, as the sandbox's real shape reproduces it: what the
/// upgrade tool must cope with beyond the runbook's assumptions.
/// </summary>
[Collection(RealShapeSandboxCollection.Name)]
public sealed class RealShapeSandboxTests(RealShapeSandbox fixture) : IClassFixture<RealShapeSandbox>
{
    readonly SandboxInstance sandbox = fixture.Sandbox;
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Compose_has_exactly_db_backend_and_frontend_each_restarting_unless_stopped()
    {
        var configured = await RealShape.ComposeAsync(sandbox, "config", "--services");
        Assert.Equal(["backend", "db", "frontend"], configured.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order());

        var containers = await RealShape.ContainersAsync(sandbox);
        Assert.Equal(["backend", "db", "frontend"], containers.Keys.Order());
        foreach (var (service, container) in containers)
            Assert.True(container.HostConfig.RestartPolicy.Name == RestartPolicyKind.UnlessStopped, $"{service}: restart {container.HostConfig.RestartPolicy.Name}");
    }

    [Fact]
    public async Task The_db_publishes_no_port_and_the_backend_and_frontend_publish_on_loopback_only()
    {
        var containers = await RealShape.ContainersAsync(sandbox);

        var db = containers["db"];
        Assert.NotEqual("host", db.HostConfig.NetworkMode);
        Assert.True(db.HostConfig.PortBindings is null || db.HostConfig.PortBindings.Count == 0,
            $"db port bindings: {JsonSerializer.Serialize(db.HostConfig.PortBindings)}");
        Assert.All(db.NetworkSettings.Ports ?? new Dictionary<string, IList<PortBinding>>(), port => Assert.True(port.Value is null || port.Value.Count == 0,
            $"db publishes {port.Key} on {string.Join(", ", port.Value!.Select(binding => $"{binding.HostIP}:{binding.HostPort}"))}"));
        Assert.False(await RealShape.AnswersAsync("127.0.0.1", sandbox.DatabasePort), $"something answers on the instance's db port {sandbox.DatabasePort}");
        // The backend reaches it by its service name on the compose network.
        Assert.Contains(containers["backend"].Config.Env, variable => Regex.IsMatch(variable, "^DATABASE_URL=postgresql://[^@]+@db:5432/nexplane$"));

        foreach (var (service, containerPort, url) in new[] { ("backend", "8000/tcp", sandbox.BackendUrl), ("frontend", "3000/tcp", sandbox.FrontendUrl) })
        {
            var binding = Assert.Single(containers[service].HostConfig.PortBindings[containerPort]);
            Assert.Equal("127.0.0.1", binding.HostIP);
            Assert.Equal(new Uri(url).Port.ToString(), binding.HostPort);
            Assert.Single(containers[service].HostConfig.PortBindings);
        }
    }

    [Fact]
    public async Task The_env_file_pins_IMAGE_TAG_v020_and_names_the_compose_project_and_the_images_are_GHCR_style()
    {
        var env = File.ReadAllLines(sandbox.EnvFile);
        Assert.Contains("IMAGE_TAG=v0.2.0", env);
        Assert.Contains($"COMPOSE_PROJECT_NAME={sandbox.Project}", env);

        var compose = File.ReadAllText(sandbox.ComposeFile);
        Assert.Contains("image: 127.0.0.1:5000/ghcr.io/youbetyourballs/nexplane-backend:${IMAGE_TAG}", compose);
        Assert.Contains("image: 127.0.0.1:5000/ghcr.io/youbetyourballs/nexplane-frontend:${IMAGE_TAG}", compose);
        var containers = await RealShape.ContainersAsync(sandbox);
        Assert.Equal("127.0.0.1:5000/ghcr.io/youbetyourballs/nexplane-backend:v0.2.0", containers["backend"].Config.Image);
        Assert.Equal("127.0.0.1:5000/ghcr.io/youbetyourballs/nexplane-frontend:v0.2.0", containers["frontend"].Config.Image);
    }

    [Fact]
    public async Task The_frontend_answers_version_with_its_index_page_and_only_its_bundle_names_the_release()
    {
        using var version = await Http.GetAsync($"{sandbox.FrontendUrl}/version");
        var versionBody = await version.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.Equal("text/html", version.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!doctype html>", versionBody);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(versionBody));

        var index = await Http.GetStringAsync($"{sandbox.FrontendUrl}/");
        Assert.Equal(index, versionBody);
        Assert.Equal(index, await Http.GetStringAsync($"{sandbox.FrontendUrl}/assets/settings/unknown-route"));
        Assert.DoesNotContain("0.2.0", index);

        var bundlePath = Regex.Match(index, "src=\"(/assets/index-[0-9a-f]{8}\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(bundlePath);
        using var bundle = await Http.GetAsync($"{sandbox.FrontendUrl}{bundlePath}");
        var script = await bundle.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"0.2.0\"", script);
        Assert.Contains("v0.2.0", script);
    }

    [Fact]
    public async Task The_backend_health_carries_no_version_and_downloads_version_does()
    {
        using var health = JsonDocument.Parse(await Http.GetStringAsync($"{sandbox.BackendUrl}/health"));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.False(health.RootElement.TryGetProperty("version", out _), health.RootElement.ToString());
        Assert.Equal("0.2.0", (await Http.GetStringAsync($"{sandbox.BackendUrl}/downloads/version")).Trim());
    }

    [Fact]
    public async Task The_GitHub_stand_in_publishes_changelog_style_notes_without_section_headings()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"{sandbox.GitHubApiUrl}repos/youbetyourballs/nexplane/releases?per_page=100"));
        var releases = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(["v0.4.0", "v0.3.5", "v0.3.4", "v0.3.3", "v0.3.2", "v0.3.1", "v0.3.0", "v0.2.0"],
            releases.Select(release => release.GetProperty("tag_name").GetString()));

        var commitBullet = new Regex(@"^- [0-9a-f]{7} [a-z]+(\([a-z-]+\))?!?: \S", RegexOptions.Multiline);
        foreach (var release in releases)
        {
            var tag = release.GetProperty("tag_name").GetString()!;
            var body = release.GetProperty("body").GetString()!;
            var lines = body.ReplaceLineEndings("\n").Split('\n');
            Assert.Matches($@"^## {Regex.Escape(tag)} \(\d{{4}}-\d{{2}}-\d{{2}}\)$", lines[0]);
            Assert.DoesNotContain(lines, line => line.StartsWith("###", StringComparison.Ordinal));
            Assert.DoesNotContain(lines.Skip(1), line => line.StartsWith('#'));
            Assert.True(commitBullet.Matches(body.ReplaceLineEndings("\n")).Count >= 2, $"{tag}: no commit bullets in\n{body}");
            Assert.DoesNotContain(release.GetProperty("assets").EnumerateArray(), asset => asset.GetProperty("name").GetString() == "release.yml");
        }

        string Body(string tag) => releases.Single(release => release.GetProperty("tag_name").GetString() == tag).GetProperty("body").GetString()!;
        Assert.Contains("\r\n", Body("v0.3.0"));
        Assert.Single(releases, release => release.GetProperty("body").GetString()!.Contains('\r'));
        Assert.Matches(@"(?m)^- [0-9a-f]{7} feat\(webhooks\)!: ", Body("v0.3.0"));
        Assert.Contains("new required environment variable NEXPLANE_ENCRYPTION_KEY", Body("v0.3.5"));
        Assert.Contains("otherwise the backend will not start", Body("v0.3.5"));
        Assert.Contains("Agents do not need to be upgraded for this release.", Body("v0.3.5"));
        Assert.Contains("min_compatible_version: 0.3.0", Body("v0.4.0"));
    }

    [Fact]
    public async Task The_agent_hosts_registered_through_the_backends_published_loopback_port()
    {
        var agents = await new AgentHostClient(sandbox).AgentsAsync();
        foreach (var host in sandbox.AgentHosts)
        {
            var agent = agents.EnumerateArray().Single(candidate => candidate.GetProperty("name").GetString() == host);
            Assert.Equal("0.2.0", agent.GetProperty("asset_metadata").GetProperty("agent_version").GetString());
        }
        var (_, log) = await RealShape.ExecAsync($"{sandbox.Project}-agent-1", "cat", "/etc/nexplane/agent.env");
        Assert.Contains($"NEXPLANE_CONTROL_PLANE_URL={sandbox.BackendUrl}", log);
    }
}

/// <summary>Sandbox instance 61 in the real shape on 0.2.0; its test moves the backend to 0.3.5 by hand (no upgrade tool).</summary>
public sealed class RealShapeRequiredVariableSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(61);

    public Task InitializeAsync() => Sandbox.StartFreshAsync("0.2.0", SandboxShape.Real);

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

/// <summary>
/// 0.3.5, published only by the real shape's catalog, needs NEXPLANE_ENCRYPTION_KEY, which its notes mention in prose
/// only: its backend migrates, then refuses to start, and crash-loops under restart: unless-stopped until the variable
/// is in .env (which the backend reads as its env_file).
/// </summary>
[Collection(RealShapeSandboxCollection.Name)]
public sealed class RealShapeRequiredVariableTests(RealShapeRequiredVariableSandbox fixture) : IClassFixture<RealShapeRequiredVariableSandbox>
{
    readonly SandboxInstance sandbox = fixture.Sandbox;
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Release_035_migrates_then_crash_loops_without_NEXPLANE_ENCRYPTION_KEY_and_starts_once_it_is_set()
    {
        SetEnv("IMAGE_TAG", "v0.3.5");
        await RealShape.ComposeAsync(sandbox, "up", "-d", "--no-deps", "backend");

        var backend = await WaitForAsync(TimeSpan.FromSeconds(90), async () =>
            (await RealShape.ContainersAsync(sandbox))["backend"] is { RestartCount: >= 2 } restarted ? restarted : null);
        Assert.Equal("127.0.0.1:5000/ghcr.io/youbetyourballs/nexplane-backend:v0.3.5", backend.Config.Image);
        Assert.Equal(RestartPolicyKind.UnlessStopped, backend.HostConfig.RestartPolicy.Name);
        var logs = await RealShape.LogsAsync(backend.ID);
        Assert.Contains("Running upgrade 002_asset_tags -> 003_agent_tunnels, add agent tunnels", logs);
        Assert.Contains("Configuration error: NEXPLANE_ENCRYPTION_KEY is not set (required since Nexplane 0.3.5). The backend will not start.", logs);
        Assert.Contains("ERROR:    Application startup failed. Exiting.", logs);
        Assert.DoesNotContain("Application startup complete.", logs[logs.IndexOf("Running upgrade 002_asset_tags", StringComparison.Ordinal)..]);
        // Migrated: the database is at 0.3.5's head, yet nothing serves it.
        // The db container by its compose labels: v1 names it project_db_1, v2 project-db-1.
        var (_, revision) = await RealShape.ExecAsync((await RealShape.ContainersAsync(sandbox))["db"].ID, "psql", "-U", "nexplane", "-d", "nexplane", "-tAc", "select version_num from alembic_version");
        Assert.Equal("004_backfill_asset_owner", revision.Trim());

        SetEnv("NEXPLANE_ENCRYPTION_KEY", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        await RealShape.ComposeAsync(sandbox, "up", "-d", "--no-deps", "backend");

        var version = await WaitForAsync(TimeSpan.FromSeconds(60), async () =>
        {
            try
            {
                return (await Http.GetStringAsync($"{sandbox.BackendUrl}/downloads/version")).Trim() is "0.3.5" and var v ? v : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        });
        Assert.Equal("0.3.5", version);
        var started = (await RealShape.ContainersAsync(sandbox))["backend"];
        Assert.NotEqual(backend.ID, started.ID);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = (await RealShape.ContainersAsync(sandbox))["backend"];
        Assert.Equal(0L, after.RestartCount);
        Assert.True(after.State.Running);
        Assert.Contains("Application startup complete.", await RealShape.LogsAsync(after.ID));
    }

    /// <summary>Sets KEY=value in the instance's .env, replacing an existing line (as an operator edits it).</summary>
    void SetEnv(string key, string value)
    {
        var lines = File.ReadAllLines(sandbox.EnvFile).Where(line => !line.StartsWith(key + "=", StringComparison.Ordinal)).Append($"{key}={value}");
        File.WriteAllLines(sandbox.EnvFile, lines);
    }

    static async Task<T> WaitForAsync<T>(TimeSpan timeout, Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"gave up after {timeout.TotalSeconds} s");
            await Task.Delay(500);
        }
    }
}

/// <summary>Docker and compose look-ups the real-shape tests share.</summary>
static class RealShape
{
    public static async Task<Dictionary<string, ContainerInspectResponse>> ContainersAsync(SandboxInstance sandbox)
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={sandbox.Project}"] = true },
            },
        });
        var containers = new Dictionary<string, ContainerInspectResponse>();
        foreach (var item in listed)
        {
            var inspected = await docker.Containers.InspectContainerAsync(item.ID);
            containers.Add(inspected.Config.Labels["com.docker.compose.service"], inspected);
        }
        return containers;
    }

    /// <summary><c>docker compose</c> (v2) when present, else <c>docker-compose</c> (v1), in the deploy directory.</summary>
    public static async Task<string> ComposeAsync(SandboxInstance sandbox, params string[] arguments)
    {
        var v2 = await Cli.Wrap("docker").WithArguments(["compose", "version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        var command = v2.ExitCode == 0 ? Cli.Wrap("docker").WithArguments(["compose", "-f", sandbox.ComposeFile, "-p", sandbox.Project, .. arguments])
            : Cli.Wrap("docker-compose").WithArguments(["-f", sandbox.ComposeFile, "-p", sandbox.Project, .. arguments]);
        var result = await command.WithWorkingDirectory(sandbox.DeployDirectory).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"compose {string.Join(' ', arguments)}: {result.StandardError}");
        return result.StandardOutput;
    }

    public static async Task<(int ExitCode, string Output)> ExecAsync(string container, params string[] command)
    {
        var result = await Cli.Wrap("docker").WithArguments(["exec", container, .. command])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"docker exec {container} {string.Join(' ', command)}: {result.StandardError}");
        return (result.ExitCode, result.StandardOutput);
    }

    /// <summary>The container's stdout and stderr, across all its restarts.</summary>
    public static async Task<string> LogsAsync(string container)
    {
        var result = await Cli.Wrap("docker").WithArguments(["logs", container]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return result.StandardOutput + result.StandardError;
    }

    public static async Task<bool> AnswersAsync(string host, int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception failure) when (failure is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
