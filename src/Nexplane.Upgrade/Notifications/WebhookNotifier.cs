using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Nexplane.Upgrade.Notifications;

/// <summary>
/// Posts an <see cref="UpgradeEvent"/> to every webhook at once and waits at most <c>timeout</c> for all of them
/// together. It never throws and never waits longer: a webhook that refuses, answers an error or hangs is reported
/// in the returned deliveries, and the upgrade goes on.
/// </summary>
public sealed class WebhookNotifier(IReadOnlyList<string> webhookUrls, TimeSpan timeout, HttpMessageHandler? handler = null)
{
    // Our own client: the deadline is ours (a linked token), not HttpClient's, and no shared client's settings apply.
    readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { ConnectTimeout = timeout }, disposeHandler: handler is null)
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public bool HasWebhooks => webhookUrls.Count > 0;

    /// <summary>"webhook 2 (hooks.slack.com)": how a webhook is named in logs and reports, never with its path.</summary>
    public static string Describe(int index, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"webhook {index + 1} ({uri.Host})" : $"webhook {index + 1}";

    public async Task<IReadOnlyList<WebhookDelivery>> PostAsync(UpgradeEvent upgradeEvent, CancellationToken cancellationToken)
    {
        if (!HasWebhooks)
            return [];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var body = WebhookPayload.ToJson(upgradeEvent);
        return await Task.WhenAll(webhookUrls.Select((url, index) => PostOneAsync(Describe(index, url), url, upgradeEvent.Kind, body, deadline.Token)));
    }

    async Task<WebhookDelivery> PostOneAsync(string name, string url, UpgradeEventKind kind, string body, CancellationToken deadline)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.PostAsync(url, content, deadline);
            var seconds = clock.Elapsed.TotalSeconds;
            return response.IsSuccessStatusCode
                ? new WebhookDelivery(name, kind, true, $"HTTP {(int)response.StatusCode} in {seconds:0.00} s")
                : new WebhookDelivery(name, kind, false, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException)
        {
            return new WebhookDelivery(name, kind, false, $"no answer within {timeout.TotalSeconds:0.#} s (--webhook-timeout)");
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or UriFormatException)
        {
            // The messages name at most host and port (never the path that holds the token); the build redacts the URL anyway.
            return new WebhookDelivery(name, kind, false, exception.GetBaseException().Message);
        }
    }
}
