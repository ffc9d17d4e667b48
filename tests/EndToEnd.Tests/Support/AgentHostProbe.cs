using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace EndToEnd.Tests.Support;

/// <summary>
/// Looks at a sandbox's agents the way an operator would: the versions the control plane has registered, and the
/// files on each agent host (through <c>docker exec</c>, independent of the SSH path the tool uses).
/// </summary>
public static class AgentHostProbe
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>hostname -> agent_version, as <c>GET /assets?tag=nexplane-agent</c> lists them.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RegisteredVersionsAsync(SandboxInstance sandbox)
    {
        var password = File.ReadLines(sandbox.EnvFile).First(l => l.StartsWith("NEXPLANE_ADMIN_PASSWORD=", StringComparison.Ordinal)).Split('=', 2)[1];
        using var login = await Http.PostAsJsonAsync($"{sandbox.BackendUrl}/auth/login", new { email = "admin@nexplane.local", password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{sandbox.BackendUrl}/assets?tag=nexplane-agent");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var assets = await response.Content.ReadFromJsonAsync<JsonElement>();
        return assets.EnumerateArray()
            .Select(asset => asset.GetProperty("asset_metadata"))
            .ToDictionary(metadata => metadata.GetProperty("hostname").GetString()!, metadata => metadata.GetProperty("agent_version").GetString()!);
    }

    /// <summary>Waits until every named agent is registered on <paramref name="version"/>; returns the last registry read.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> WaitForVersionsAsync(SandboxInstance sandbox, IEnumerable<string> hosts, string version, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var registered = await RegisteredVersionsAsync(sandbox);
            if (hosts.All(host => registered.GetValueOrDefault(host) == version) || DateTime.UtcNow > deadline)
                return registered;
            await Task.Delay(250);
        }
    }

    /// <summary>The sha256 of a file on an agent host, or null when the file does not exist.</summary>
    public static async Task<string?> FileHashAsync(string container, string path)
    {
        var result = await ExecAsync(container, $"test -f '{path}' && sha256sum '{path}' || true");
        return result.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
    }

    /// <summary>The host keys an SSH server shows, as <c>ssh-keyscan</c> prints them for a known_hosts file.</summary>
    public static async Task<IReadOnlyList<string>> KeyscanAsync(string address, int port)
    {
        var result = await Cli.Wrap("ssh-keyscan").WithArguments(["-T", "10", "-p", port.ToString(), address])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
            throw new InvalidOperationException($"ssh-keyscan -p {port} {address} showed no key: {result.StandardError}");
        return lines;
    }

    public static async Task<string> ExecAsync(string container, string command)
    {
        var result = await Cli.Wrap("docker").WithArguments(["exec", container, "sh", "-c", command])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"docker exec {container} sh -c \"{command}\" failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>The sha256 the release's <c>.sha256</c> file names for an agent asset, from the instance's GitHub stand-in.</summary>
    public static async Task<string> PublishedHashAsync(SandboxInstance sandbox, string version, string platform = "linux-amd64")
    {
        var name = $"nexplane-agent-{platform}-{version}";
        var text = await Http.GetStringAsync($"{sandbox.GitHubApiUrl}youbetyourballs/nexplane/releases/download/v{version}/{name}.sha256");
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
    }
}
