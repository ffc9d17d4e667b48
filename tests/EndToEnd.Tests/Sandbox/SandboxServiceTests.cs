using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EndToEnd.Tests.Sandbox;

/// <summary>The long-running roles (serve, frontend, worker, agent) as an operator would probe them.</summary>
[Collection(SandboxServicesCollection.Name)]
public sealed class SandboxServiceTests(PostgresCluster postgres) : IDisposable
{
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => http.Dispose();

    /// <summary>A database migrated to <paramref name="release"/>'s head and the environment to serve it.</summary>
    async Task<Dictionary<string, string?>> MigratedEnvironmentAsync(string release)
    {
        var database = await postgres.CreateDatabaseAsync();
        var environment = SandboxEnvironment.For(postgres.DatabaseUrl(database));
        var migrate = await SandboxProcess.RunToExitAsync(["migrate", "--release", release], environment);
        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        return environment;
    }

    static async Task<(SandboxProcess Process, string BaseUrl)> StartServingAsync(string role, string release, Dictionary<string, string?> environment)
    {
        var port = FreePort.Next();
        var process = await SandboxProcess.StartAsync([role, "--release", release, "--port", port.ToString()], environment);
        await process.WaitForLineAsync(role == "serve" ? "Uvicorn running on" : "listening on");
        return (process, $"http://127.0.0.1:{port}");
    }

    async Task<JsonElement> GetJsonAsync(string url, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    async Task<string> LoginAsync(string baseUrl)
    {
        using var response = await http.PostAsJsonAsync($"{baseUrl}/auth/login",
            new { email = SandboxEnvironment.AdminEmail, password = SandboxEnvironment.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("bearer", body.GetProperty("token_type").GetString());
        return body.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task Serve_logs_like_uvicorn_reports_its_version_and_stops_cleanly_on_SIGTERM()
    {
        var environment = await MigratedEnvironmentAsync("0.3.0");
        var (backend, baseUrl) = await StartServingAsync("serve", "0.3.0", environment);
        await using var _ = backend;

        var health = await GetJsonAsync($"{baseUrl}/health");
        var downloadsVersion = await http.GetStringAsync($"{baseUrl}/downloads/version");
        var version = await GetJsonAsync($"{baseUrl}/version");
        await backend.StopAsync();

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("nexplane", health.GetProperty("service").GetString());
        Assert.Equal("0.3.0", health.GetProperty("version").GetString());
        Assert.Equal("0.3.0", downloadsVersion);
        Assert.Equal("0.3.0", version.GetProperty("version").GetString());
        Assert.Contains("INFO:     Started server process [", backend.StandardError);
        Assert.Contains("INFO:     Waiting for application startup.", backend.StandardError);
        Assert.Contains("INFO:     Application startup complete.", backend.StandardError);
        Assert.Contains("\"GET /health HTTP/1.1\" 200 OK", backend.StandardOutput);
        Assert.Equal(0, backend.ExitCode);
        // Exit 0 is the graceful stop: StopAsync sends SIGTERM only, and a process that ignored it would not exit 0.
    }

    [Fact]
    public async Task Login_issues_a_bearer_token_that_the_asset_inventory_requires()
    {
        var environment = await MigratedEnvironmentAsync("0.4.0");
        var (backend, baseUrl) = await StartServingAsync("serve", "0.4.0", environment);
        await using var _ = backend;

        using var wrongPassword = await http.PostAsJsonAsync($"{baseUrl}/auth/login", new { email = SandboxEnvironment.AdminEmail, password = "wrong" });
        using var anonymous = await http.GetAsync($"{baseUrl}/assets");
        using var forgedToken = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/assets") { Headers = { Authorization = new("Bearer", "a.b.c") } };
        using var forged = await http.SendAsync(forgedToken);
        var token = await LoginAsync(baseUrl);
        var assets = await GetJsonAsync($"{baseUrl}/assets", token);
        var agents = await GetJsonAsync($"{baseUrl}/assets?tag=nexplane-agent", token);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(50, assets.GetArrayLength());
        Assert.Equal(3, agents.GetArrayLength());
        foreach (var agent in agents.EnumerateArray())
        {
            var metadata = agent.GetProperty("asset_metadata");
            Assert.Equal("0.2.0", metadata.GetProperty("agent_version").GetString());
            Assert.False(string.IsNullOrEmpty(metadata.GetProperty("hostname").GetString()));
            Assert.Contains(metadata.GetProperty("os_type").GetString(), new[] { "linux", "windows", "darwin" });
            Assert.True(metadata.TryGetProperty("last_seen", out var _));
        }
        Assert.DoesNotContain(SandboxEnvironment.AdminPassword, backend.AllOutput);
        Assert.DoesNotContain(token, backend.AllOutput);
    }

    [Fact]
    public async Task Health_can_omit_the_version_like_real_Nexplane_and_the_api_can_sit_under_a_prefix()
    {
        var environment = await MigratedEnvironmentAsync("0.3.0");
        var (backend, baseUrl) = await StartServingAsync("serve", "0.3.0",
            environment.With("NEXPLANE_HEALTH_VERSION", "false").With("NEXPLANE_API_PREFIX", "/api"));
        await using var _ = backend;

        var health = await GetJsonAsync($"{baseUrl}/api/health");
        using var unprefixed = await http.GetAsync($"{baseUrl}/health");

        Assert.False(health.TryGetProperty("version", out var _));
        Assert.Equal("0.3.0", await http.GetStringAsync($"{baseUrl}/api/downloads/version"));
        Assert.Equal(HttpStatusCode.NotFound, unprefixed.StatusCode);
    }

    [Fact]
    public async Task Release_0_3_2_migrates_but_its_server_crashes_at_startup()
    {
        var environment = await MigratedEnvironmentAsync("0.3.2");

        var serve = await SandboxProcess.RunToExitAsync(["serve", "--release", "0.3.2", "--port", FreePort.Next().ToString()], environment);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("Traceback (most recent call last):", serve.StandardError);
        Assert.Contains("ERROR:    Application startup failed. Exiting.", serve.StandardError);
        Assert.DoesNotContain("Application startup complete.", serve.StandardError);
    }

    [Fact]
    public async Task Serve_refuses_a_database_that_is_not_at_its_head()
    {
        var environment = await MigratedEnvironmentAsync("0.2.0");

        var serve = await SandboxProcess.RunToExitAsync(["serve", "--release", "0.3.0", "--port", FreePort.Next().ToString()], environment);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("002_asset_tags", serve.StandardError);
        Assert.Contains("004_backfill_asset_owner", serve.StandardError);
    }

    [Fact]
    public async Task Release_0_3_3_reports_the_wrong_version_everywhere()
    {
        var environment = await MigratedEnvironmentAsync("0.3.3");
        var (backend, baseUrl) = await StartServingAsync("serve", "0.3.3", environment);
        await using var _ = backend;
        var (frontend, frontendUrl) = await StartServingAsync("frontend", "0.3.3", environment);
        await using var __ = frontend;

        Assert.Equal("0.3.0-rc1", (await GetJsonAsync($"{baseUrl}/health")).GetProperty("version").GetString());
        Assert.Equal("0.3.0-rc1", (await GetJsonAsync($"{baseUrl}/version")).GetProperty("version").GetString());
        Assert.Equal("0.3.0-rc1", await http.GetStringAsync($"{baseUrl}/downloads/version"));
        Assert.Equal("0.3.0-rc1", (await GetJsonAsync($"{frontendUrl}/version")).GetProperty("version").GetString());
    }

    [Fact]
    public async Task Frontend_shows_its_release_and_0_3_4s_frontend_answers_500()
    {
        var (good, goodUrl) = await StartServingAsync("frontend", "0.3.0", []);
        await using var _ = good;
        var (broken, brokenUrl) = await StartServingAsync("frontend", "0.3.4", []);
        await using var __ = broken;

        Assert.Contains("Nexplane 0.3.0", await http.GetStringAsync($"{goodUrl}/"));
        Assert.Equal("0.3.0", (await GetJsonAsync($"{goodUrl}/version")).GetProperty("version").GetString());
        Assert.Contains("fetch('/version')", await http.GetStringAsync($"{goodUrl}/assets/app.js"));
        foreach (var path in new[] { "/", "/version", "/assets/app.js" })
        {
            using var response = await http.GetAsync($"{brokenUrl}{path}");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
        Assert.Equal(0, await StopExitCodeAsync(good));
    }

    [Fact]
    public async Task Agent_registers_its_release_and_shows_up_as_a_tagged_asset()
    {
        var environment = await MigratedEnvironmentAsync("0.4.0");
        var (backend, baseUrl) = await StartServingAsync("serve", "0.4.0", environment);
        await using var _ = backend;
        await using var agent = await SandboxProcess.StartAsync(
            ["agent", "--release", "0.3.0", "--control-plane", baseUrl, "--hostname", "rehearsal-host-01"],
            new Dictionary<string, string?> { ["NEXPLANE_HEARTBEAT_SECONDS"] = "1" });

        var sinceStart = System.Diagnostics.Stopwatch.StartNew();
        await agent.WaitForLineAsync("registered with control plane as asset");
        var token = await LoginAsync(baseUrl);
        var registered = (await GetJsonAsync($"{baseUrl}/assets?tag=nexplane-agent", token)).EnumerateArray()
            .Single(asset => asset.GetProperty("asset_metadata").GetProperty("hostname").GetString() == "rehearsal-host-01");
        var status = await GetJsonAsync($"{baseUrl}/agent/status/{registered.GetProperty("id").GetInt32()}");

        Assert.Contains("Nexplane Agent 0.3.0 starting", agent.StandardOutput);
        Assert.Equal("0.3.0", registered.GetProperty("asset_metadata").GetProperty("agent_version").GetString());
        Assert.True(status.GetProperty("registered").GetBoolean());
        // Seen during this test, not some earlier registration: no longer ago than the test has been running.
        Assert.InRange(status.GetProperty("seconds_ago").GetDouble(), 0, sinceStart.Elapsed.TotalSeconds + 1);
        Assert.Equal(0, await StopExitCodeAsync(agent));
    }

    [Fact]
    public async Task Worker_heartbeats_to_redis_and_stops_on_SIGTERM()
    {
        var environment = await MigratedEnvironmentAsync("0.3.0");
        await using var redis = await RedisServer.StartAsync();
        await using var worker = await SandboxProcess.StartAsync(["worker", "--release", "0.3.0"],
            environment.With("REDIS_URL", redis.Url).With("NEXPLANE_HEARTBEAT_SECONDS", "60"));

        await worker.WaitForLineAsync("heartbeat");
        await worker.StopAsync();

        // SIGTERM cuts the 60 s wait for the next heartbeat short: StopAsync gives up (and fails) long before it.
        Assert.Equal(0, worker.ExitCode);
        Assert.True(await redis.CallsOfAsync("PING") >= 1, "the worker never sent PING");
        // The heartbeat key holds the time of the heartbeat and expires after three intervals (EX 180).
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", await redis.CommandAsync("GET", "nexplane:worker:heartbeat"));
        Assert.InRange(int.Parse(await redis.CommandAsync("TTL", "nexplane:worker:heartbeat")), 1, 180);
    }

    [Fact]
    public async Task Worker_fails_fast_when_redis_is_unreachable()
    {
        var environment = await MigratedEnvironmentAsync("0.3.0");

        var worker = await SandboxProcess.RunToExitAsync(["worker", "--release", "0.3.0"],
            environment.With("REDIS_URL", $"redis://127.0.0.1:{FreePort.Next()}/0"));

        Assert.Equal(1, worker.ExitCode);
        Assert.Contains("cannot reach redis", worker.StandardError);
    }

    [Fact]
    public async Task Worker_fails_fast_when_the_database_is_unreachable()
    {
        await using var redis = await RedisServer.StartAsync();
        var environment = SandboxEnvironment.For($"postgresql://nexplane:secret@127.0.0.1:{FreePort.Next()}/nexplane")
            .With("REDIS_URL", redis.Url);

        var worker = await SandboxProcess.RunToExitAsync(["worker", "--release", "0.3.0"], environment);

        Assert.Equal(1, worker.ExitCode);
        Assert.Contains("cannot reach the database", worker.StandardError);
    }

    [Fact]
    public async Task Probe_is_a_healthcheck_for_images_without_curl()
    {
        var (good, goodUrl) = await StartServingAsync("frontend", "0.3.0", []);
        await using var _ = good;
        var (broken, brokenUrl) = await StartServingAsync("frontend", "0.3.4", []);
        await using var __ = broken;

        var healthy = await SandboxProcess.RunToExitAsync(["probe", $"{goodUrl}/version"], new Dictionary<string, string?>());
        var unhealthy = await SandboxProcess.RunToExitAsync(["probe", $"{brokenUrl}/version"], new Dictionary<string, string?>());
        var unreachable = await SandboxProcess.RunToExitAsync(["probe", $"http://127.0.0.1:{FreePort.Next()}/"], new Dictionary<string, string?>());

        Assert.Equal(0, healthy.ExitCode);
        Assert.Equal(1, unhealthy.ExitCode);
        Assert.Equal(1, unreachable.ExitCode);
    }

    static async Task<int> StopExitCodeAsync(SandboxProcess process)
    {
        await process.StopAsync();
        return process.ExitCode;
    }
}
