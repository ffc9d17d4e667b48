using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EndToEnd.Tests.Sandbox;

/// <summary>
/// The agent binary as the GitHub stand-in publishes it: each release's linux-amd64 asset is the sandbox binary plus a
/// release trailer, so the downloaded file itself runs as that release (what the Agents step installs on hosts).
/// </summary>
public sealed class SandboxAgentReleaseTests : IAsyncLifetime
{
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    SandboxProcess? github;
    string githubUrl = "";
    readonly string workDirectory = Directory.CreateTempSubdirectory("agent-release-").FullName;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        github = await SandboxProcess.StartAsync(["github-api", "--port", port.ToString()], new Dictionary<string, string?>());
        await github.WaitForLineAsync("github-api: serving");
        githubUrl = $"http://127.0.0.1:{port}";
    }

    public async Task DisposeAsync()
    {
        if (github is not null)
        {
            await github.StopAsync();
            await github.DisposeAsync();
        }
        http.Dispose();
        Directory.Delete(workDirectory, recursive: true);
    }

    async Task<(byte[] Binary, string ChecksumLine)> DownloadAgentAsync(string version)
    {
        var url = $"{githubUrl}/youbetyourballs/nexplane/releases/download/v{version}/nexplane-agent-linux-amd64-{version}";
        return (await http.GetByteArrayAsync(url), await http.GetStringAsync($"{url}.sha256"));
    }

    /// <summary>
    /// The asset as an executable file. A Debug build is an apphost that loads nexplane-sandbox.dll from its own
    /// directory, so the asset gets a directory of its own with the build output's other files linked beside it.
    /// </summary>
    async Task<string> InstallAsync(byte[] binary, string name)
    {
        var sandboxBinary = await SandboxBinary.PathAsync();
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, name)).FullName;
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(sandboxBinary)!))
            if (file != sandboxBinary)
                File.CreateSymbolicLink(Path.Combine(directory, Path.GetFileName(file)), file);
        var path = Path.Combine(directory, "nexplane-agent");
        await File.WriteAllBytesAsync(path, binary);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task Each_release_asset_differs_matches_its_checksum_file_and_runs_as_that_release()
    {
        var (binary040, checksum040) = await DownloadAgentAsync("0.4.0");
        var (binary030, checksum030) = await DownloadAgentAsync("0.3.0");

        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(binary040))}  dist/nexplane-agent-linux-amd64-0.4.0\n", checksum040);
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(binary030))}  dist/nexplane-agent-linux-amd64-0.3.0\n", checksum030);
        Assert.NotEqual(checksum040.Split(' ')[0], checksum030.Split(' ')[0]);
        Assert.EndsWith("\n#nexplane-agent-release=0.4.0\n", Encoding.ASCII.GetString(binary040[^64..]));

        await using var controlPlane = await FakeControlPlane.StartAsync();
        var agent = await InstallAsync(binary040, "0.4.0");
        // No --release, no NEXPLANE_RELEASE, no release file: only the trailer can say 0.4.0.
        await using var run = AgentRun.Start(agent, controlPlane.Url);
        var registration = await controlPlane.WaitForRegistrationAsync(TimeSpan.FromSeconds(20), run);

        Assert.Equal("0.4.0", registration.GetProperty("agent_version").GetString());
        Assert.Contains("Nexplane Agent 0.4.0 starting", run.Output);
    }

    [Fact]
    public async Task The_release_option_and_variable_still_win_over_the_trailer()
    {
        var (binary, _) = await DownloadAgentAsync("0.4.0");
        var agent = await InstallAsync(binary, "override");
        await using var controlPlane = await FakeControlPlane.StartAsync();

        await using var run = AgentRun.Start(agent, controlPlane.Url, new() { ["NEXPLANE_RELEASE"] = "0.3.0" });
        var registration = await controlPlane.WaitForRegistrationAsync(TimeSpan.FromSeconds(20), run);

        Assert.Equal("0.3.0", registration.GetProperty("agent_version").GetString());
    }

    [Fact]
    public async Task NEXPLANE_AGENT_FAIL_RELEASE_makes_that_release_exit_1_without_registering()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync();
        var environment = new Dictionary<string, string?> { ["NEXPLANE_AGENT_FAIL_RELEASE"] = "0.4.0" };

        var failing = await SandboxProcess.RunToExitAsync(["agent", "--release", "0.4.0", "--control-plane", controlPlane.Url], environment);
        await using var other = await SandboxProcess.StartAsync(["agent", "--release", "0.3.0", "--control-plane", controlPlane.Url], environment);
        var registration = await controlPlane.WaitForRegistrationAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("Nexplane Agent 0.4.0 starting", failing.AllOutput);
        Assert.Contains("ERROR startup failed on this host (NEXPLANE_AGENT_FAIL_RELEASE)", failing.AllOutput);
        Assert.DoesNotContain("registered", failing.AllOutput);
        // Only the other release reached the control plane.
        Assert.Equal("0.3.0", registration.GetProperty("agent_version").GetString());
        Assert.All(controlPlane.Registrations, body => Assert.Equal("0.3.0", body.GetProperty("agent_version").GetString()));
    }

    /// <summary>An installed agent asset run as <c>agent</c>, with the test's control plane and nothing else deciding its release.</summary>
    sealed class AgentRun : IAsyncDisposable
    {
        readonly Process process;
        readonly StringBuilder output = new();

        AgentRun(Process process) => this.process = process;

        public string Output { get { lock (output) return output.ToString(); } }

        public static AgentRun Start(string path, string controlPlaneUrl, Dictionary<string, string?>? environment = null)
        {
            var start = new ProcessStartInfo(path, ["agent"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var name in new[] { "NEXPLANE_RELEASE", "NEXPLANE_AGENT_FAIL_RELEASE", "NEXPLANE_AGENT_HOSTNAME" })
                start.Environment.Remove(name);
            start.Environment["NEXPLANE_RELEASE_FILE"] = "/nonexistent/nexplane-release";
            start.Environment["NEXPLANE_CONTROL_PLANE_URL"] = controlPlaneUrl;
            start.Environment["NEXPLANE_HEARTBEAT_SECONDS"] = "1";
            foreach (var (name, value) in environment ?? [])
                start.Environment[name] = value;
            var run = new AgentRun(new Process { StartInfo = start });
            run.process.OutputDataReceived += (_, line) => run.Append(line.Data);
            run.process.ErrorDataReceived += (_, line) => run.Append(line.Data);
            run.process.Start();
            run.process.BeginOutputReadLine();
            run.process.BeginErrorReadLine();
            return run;
        }

        void Append(string? line)
        {
            if (line is not null)
                lock (output) output.AppendLine(line);
        }

        public bool HasExited => process.HasExited;

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Just enough control plane to see what agents register with: <c>POST /agent/register</c>.</summary>
    sealed class FakeControlPlane : IAsyncDisposable
    {
        readonly HttpListener listener = new();
        readonly List<JsonElement> registrations = [];
        Task? serving;

        public string Url { get; private init; } = "";

        public IReadOnlyList<JsonElement> Registrations { get { lock (registrations) return [.. registrations]; } }

        public static Task<FakeControlPlane> StartAsync()
        {
            var port = FreePort.Next();
            var controlPlane = new FakeControlPlane { Url = $"http://127.0.0.1:{port}" };
            controlPlane.listener.Prefixes.Add($"{controlPlane.Url}/");
            controlPlane.listener.Start();
            controlPlane.serving = controlPlane.ServeAsync();
            return Task.FromResult(controlPlane);
        }

        async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception stopped) when (stopped is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var answer = "0.2.0";
                if (context.Request.Url?.AbsolutePath == "/agent/register")
                {
                    using var reader = new StreamReader(context.Request.InputStream);
                    var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
                    lock (registrations)
                        registrations.Add(body);
                    answer = JsonSerializer.Serialize(new { id = 7, registered = true, agent_version = body.GetProperty("agent_version").GetString() });
                }

                var bytes = Encoding.UTF8.GetBytes(answer);
                context.Response.ContentType = answer.StartsWith('{') ? "application/json" : "text/plain";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public async Task<JsonElement> WaitForRegistrationAsync(TimeSpan timeout, AgentRun? run = null)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (registrations)
                    if (registrations.Count > 0)
                        return registrations[0];
                if (run is { HasExited: true })
                    throw new InvalidOperationException($"the agent exited before registering:\n{run.Output}");
                await Task.Delay(50);
            }
            throw new TimeoutException($"no agent registered within {timeout}{(run is null ? "" : $":\n{run.Output}")}");
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            if (serving is not null)
                await serving;
        }
    }
}
