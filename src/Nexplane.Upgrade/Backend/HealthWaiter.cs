using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// Polls an HTTP endpoint until it answers 2xx. Polls often (every 50 ms) because the moment it first answers
/// ends the upgrade's downtime, and that moment is what gets reported.
/// </summary>
public sealed class HealthWaiter(HttpClient http, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Returns when <paramref name="url"/> first answered 2xx.</summary>
    public async Task<DateTimeOffset> WaitAsync(Uri url, TimeSpan timeout, string timeoutParameter, CancellationToken cancellationToken)
    {
        var deadline = _clock.UtcNow + timeout;
        var lastAnswer = "no answer yet";
        while (true)
        {
            using var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            request.CancelAfter(RequestTimeout);
            try
            {
                using var response = await http.GetAsync(url, request.Token);
                if (response.IsSuccessStatusCode)
                    return _clock.UtcNow;
                lastAnswer = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException exception)
            {
                lastAnswer = exception.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = $"no answer within {RequestTimeout.TotalSeconds:0} s";
            }
            if (_clock.UtcNow >= deadline)
                throw new HealthTimeoutException(
                    $"{url} did not answer 2xx within {timeout.TotalSeconds:0} s ({timeoutParameter}); last: {lastAnswer}.");
            await _clock.DelayAsync(PollInterval, cancellationToken);
        }
    }
}

public sealed class HealthTimeoutException(string message) : Exception(message);
