using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Backend;

/// <summary>The version a running backend reports, and the endpoint that said so.</summary>
public sealed record ReportedVersion(NexplaneVersion Version, VersionEndpoint Endpoint);

/// <summary>
/// Asks the running backend for its version, trying the configured endpoints in order and taking the first that
/// answers with a version. Every failed attempt is kept so the error can say what was tried.
/// </summary>
public sealed class VersionProbe(HttpClient http, OperatorAdvice advice)
{
    public async Task<ReportedVersion> GetVersionAsync(Uri apiUrl, IReadOnlyList<VersionEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var attempts = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var url = new Uri(apiUrl.ToString().TrimEnd('/') + endpoint.Path);
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    attempts.Add($"{url}: HTTP {(int)response.StatusCode}");
                    continue;
                }
                var text = endpoint.JsonField is null ? body.Trim() : JsonFields.ReadString(body, endpoint.JsonField);
                if (NexplaneVersion.TryParse(text, out var version))
                    return new ReportedVersion(version, endpoint);
                attempts.Add(endpoint.JsonField is null
                    ? $"{url}: answered '{Shorten(body)}', not a version"
                    : $"{url}: no version in field '{endpoint.JsonField}'");
            }
            catch (HttpRequestException exception)
            {
                attempts.Add($"{url}: {exception.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                attempts.Add($"{url}: timed out");
            }
        }
        throw new VersionProbeException(
            $"The backend at {apiUrl} reported no version. Tried:{Environment.NewLine}  - " +
            string.Join(Environment.NewLine + "  - ", attempts) + Environment.NewLine +
            $"Check {advice.Flag(Setting.ApiUrl)}, or set {advice.Flag(Setting.VersionEndpoints)} to where this deployment reports its version.");
    }

    static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text.Trim();
}

public sealed class VersionProbeException(string message) : Exception(message);
