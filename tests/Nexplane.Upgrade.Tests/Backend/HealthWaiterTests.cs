using System.Net;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Tests.Time;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>The wait for /health that ends the downtime: polled often, until 2xx or the timeout, naming the last answer.</summary>
public sealed class HealthWaiterTests
{
    static readonly Uri Health = new("http://127.0.0.1:18000/health");

    /// <summary>Answers each request with the next status; the last one for ever after.</summary>
    sealed class Answers(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        int _asked;

        public int Asked => _asked;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(statuses[Math.Min(Interlocked.Increment(ref _asked) - 1, statuses.Length - 1)]));
    }

    [Fact]
    public async Task It_returns_the_moment_the_endpoint_first_answers_2xx()
    {
        var clock = new AdvancingClock();
        var started = clock.UtcNow;
        var answers = new Answers(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);

        var healthyAt = await new HealthWaiter(new HttpClient(answers), clock).WaitAsync(Health, TimeSpan.FromSeconds(60), "--health-timeout", CancellationToken.None);

        Assert.Equal(3, answers.Asked);
        Assert.Equal(TimeSpan.FromMilliseconds(100), healthyAt - started);
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_2xx_fails_at_the_timeout_naming_its_last_answer_and_the_parameter()
    {
        var clock = new AdvancingClock();
        var started = clock.UtcNow;

        var failure = await Assert.ThrowsAsync<HealthTimeoutException>(() => new HealthWaiter(new HttpClient(new Answers(HttpStatusCode.BadGateway)), clock)
            .WaitAsync(Health, TimeSpan.FromMinutes(2), "--health-timeout", CancellationToken.None));

        Assert.Equal($"{Health} did not answer 2xx within 120 s (--health-timeout); last: HTTP 502.", failure.Message);
        Assert.Equal(TimeSpan.FromMinutes(2), clock.UtcNow - started);
    }
}
