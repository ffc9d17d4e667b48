using System.Net.Http.Headers;
using System.Text.Json;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Agents;

/// <summary>One registered agent as the control plane lists it.</summary>
public sealed record RegisteredAgent(long Id, string Hostname, string OsType, string? Version, string? LastSeen)
{
    public bool IsOlderThan(NexplaneVersion controlPlane) =>
        !NexplaneVersion.TryParse(Version, out var version) || version < controlPlane;

    public override string ToString() => $"{Hostname} ({OsType}, {Version ?? "unknown version"}, last seen {LastSeen ?? "never"})";
}

/// <summary>
/// The agents registered with the control plane (assets tagged <c>nexplane-agent</c>), and which of them run a
/// version older than the control plane. The runbook says Nexplane warns about those; the shipped code does not,
/// so the tool reports them itself.
/// </summary>
public sealed class AgentInventory(HttpClient http)
{
    public async Task<IReadOnlyList<RegisteredAgent>> ListAsync(Uri apiUrl, string bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(apiUrl.ToString().TrimEnd('/') + "/assets?tag=nexplane-agent"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.EnumerateArray().Select(Read).ToArray();
    }

    static RegisteredAgent Read(JsonElement asset)
    {
        var metadata = asset.TryGetProperty("asset_metadata", out var value) && value.ValueKind == JsonValueKind.Object ? value : default;
        string? Text(string name) =>
            metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.String
                ? field.GetString()
                : null;
        return new RegisteredAgent(
            asset.TryGetProperty("id", out var id) && id.TryGetInt64(out var number) ? number : 0,
            Text("hostname") ?? (asset.TryGetProperty("name", out var name) ? name.GetString() ?? "?" : "?"),
            Text("os_type") ?? "unknown",
            Text("agent_version"),
            Text("last_seen"));
    }
}
