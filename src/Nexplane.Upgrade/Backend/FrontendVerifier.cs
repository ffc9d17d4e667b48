using System.Text.Json;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// Waits for a recreated frontend to serve the target version at <c>/version</c>. A frontend that answers with
/// another version, or keeps answering server errors, fails without waiting out the whole timeout.
/// </summary>
public sealed class FrontendVerifier(HttpClient http)
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a frontend may answer 5xx before that counts as its answer rather than a slow start.</summary>
    public static readonly TimeSpan ServerErrorGrace = TimeSpan.FromSeconds(3);

    public async Task<NexplaneVersion> WaitForVersionAsync(Uri frontendUrl, NexplaneVersion target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = new Uri(frontendUrl.ToString().TrimEnd('/') + "/version");
        var deadline = DateTimeOffset.UtcNow + timeout;
        DateTimeOffset? firstServerError = null;
        var lastAnswer = "no answer yet";
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var reported = ReadVersion(body);
                    if (reported is not null && reported.Equals(target))
                        return reported;
                    throw new FrontendVerificationException(reported is null
                        ? $"The frontend at {url} answers without a version ('{Shorten(body)}'); expected {target}."
                        : $"The frontend at {url} serves version {reported}, not {target}: the image tagged {target} is not that release.");
                }
                lastAnswer = $"HTTP {(int)response.StatusCode} '{Shorten(body)}'";
                if ((int)response.StatusCode >= 500)
                {
                    firstServerError ??= DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow - firstServerError >= ServerErrorGrace)
                        throw new FrontendVerificationException(
                            $"The frontend at {url} answers {lastAnswer} for {ServerErrorGrace.TotalSeconds:0} s: the new frontend is broken.");
                }
                else
                {
                    firstServerError = null;
                }
            }
            catch (HttpRequestException exception)
            {
                lastAnswer = exception.Message;
                firstServerError = null;
            }
            if (DateTimeOffset.UtcNow >= deadline)
                throw new FrontendVerificationException(
                    $"The frontend at {url} did not serve {target} within {timeout.TotalSeconds:0} s (--health-timeout); last: {lastAnswer}.");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    static NexplaneVersion? ReadVersion(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("version", out var value)
                   && NexplaneVersion.TryParse(value.GetString(), out var version)
                ? version
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string Shorten(string text) => text.Length > 80 ? text[..80] + "..." : text.Trim();
}

public sealed class FrontendVerificationException(string message) : Exception(message);
