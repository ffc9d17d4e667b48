using System.Net.Http.Json;

namespace Nexplane.Sandbox;

/// <summary>
/// The Nexplane agent on a managed host: logs <c>Nexplane Agent &lt;ver&gt; starting</c> (the only place its version
/// shows, there is no --version), registers with the control plane, then re-registers as its heartbeat.
/// A control plane that is down is retried, not fatal, like the real agent.
/// </summary>
public static class AgentRole
{
    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var release = commandLine.Release();
        var controlPlane = commandLine.Setting("control-plane", "NEXPLANE_CONTROL_PLANE_URL", "http://127.0.0.1:8000").TrimEnd('/');
        var hostname = commandLine.Setting("hostname", "NEXPLANE_AGENT_HOSTNAME", Environment.MachineName);
        var osType = commandLine.Setting("os-type", "NEXPLANE_AGENT_OS_TYPE", "linux");
        var interval = TimeSpan.FromSeconds(Math.Max(1, commandLine.IntegerSetting("heartbeat-seconds", "NEXPLANE_HEARTBEAT_SECONDS", 5)));
        using var shutdown = new ShutdownSignal();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        Log($"Nexplane Agent {release.ReportedVersion} starting");
        if (FailsOnThisHost(commandLine, release))
        {
            // Rehearses a host where the new agent cannot start: the upgrade must notice it never re-registers.
            Log("ERROR startup failed on this host (NEXPLANE_AGENT_FAIL_RELEASE)");
            return 1;
        }

        Log($"control plane {controlPlane}, hostname {hostname}, os {osType}");
        await ReportControlPlaneVersionAsync(http, controlPlane, release, shutdown.Token);

        var registeredId = (int?)null;
        try
        {
            while (!shutdown.Token.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync($"{controlPlane}/agent/register",
                        new AgentRegistrationRequest(hostname, osType, release.ReportedVersion), ApiJson.Default.AgentRegistrationRequest, shutdown.Token);
                    if (response.IsSuccessStatusCode &&
                        await response.Content.ReadFromJsonAsync(ApiJson.Default.AgentRegistrationResponse, shutdown.Token) is { } registration)
                    {
                        if (registeredId != registration.Id)
                            Log($"registered with control plane as asset {registration.Id} (agent_version {release.ReportedVersion})");
                        else
                            Log("heartbeat ok");
                        registeredId = registration.Id;
                    }
                    else
                    {
                        Log($"WARNING registration rejected: HTTP {(int)response.StatusCode}; retrying in {interval.TotalSeconds:0}s");
                    }
                }
                catch (HttpRequestException unreachable)
                {
                    Log($"WARNING control plane unreachable ({unreachable.Message}); retrying in {interval.TotalSeconds:0}s");
                }
                catch (TaskCanceledException) when (!shutdown.Token.IsCancellationRequested)
                {
                    Log($"WARNING control plane timed out; retrying in {interval.TotalSeconds:0}s");
                }

                await Task.Delay(interval, shutdown.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }

        Log("Nexplane Agent stopping");
        return 0;
    }

    /// <summary>Fault injection: <c>NEXPLANE_AGENT_FAIL_RELEASE=0.4.0</c> makes exactly that release's agent fail at start.</summary>
    static bool FailsOnThisHost(CommandLine commandLine, Release release) =>
        commandLine.Setting("fail-release", "NEXPLANE_AGENT_FAIL_RELEASE") is { } failing
        && Releases.Find(failing)?.Version == release.Version;

    /// <summary>Real Linux agents self-update when the control plane's version differs; the sandbox only says so.</summary>
    static async Task ReportControlPlaneVersionAsync(HttpClient http, string controlPlane, Release release, CancellationToken cancellation)
    {
        try
        {
            var controlPlaneVersion = (await http.GetStringAsync($"{controlPlane}/downloads/version", cancellation)).Trim();
            if (controlPlaneVersion.TrimStart('v') != release.ReportedVersion)
                Log($"control plane runs {controlPlaneVersion}, this agent {release.ReportedVersion} (self-update is not simulated by the sandbox)");
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException)
        {
            // Registration below retries and reports; nothing to add here.
        }
    }

    static void Log(string message)
    {
        Console.Out.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} nexplane-agent: {message}");
        Console.Out.Flush();
    }
}
