using System.Net;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Backend;

public sealed class FrontendVerifierTests
{
    static readonly Uri Frontend = new("http://127.0.0.1:13000");

    static Task<NexplaneVersion> Wait(FakeHttp http, string target, TimeSpan timeout) =>
        new FrontendVerifier(http.Client()).WaitForVersionAsync(Frontend, NexplaneVersion.Parse(target), timeout, CancellationToken.None);

    [Fact]
    public async Task The_new_version_served_at_version_passes()
    {
        var served = await Wait(new FakeHttp().On("GET /version", HttpStatusCode.OK, """{"version":"0.3.0"}"""), "0.3.0", TimeSpan.FromSeconds(5));

        Assert.Equal("0.3.0", served.ToString());
    }

    [Fact]
    public async Task A_frontend_that_keeps_answering_500_fails_before_the_timeout()
    {
        var started = DateTimeOffset.UtcNow;
        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            Wait(new FakeHttp().On("GET /version", HttpStatusCode.InternalServerError, "<h1>500 Internal Server Error</h1>"), "0.3.4", TimeSpan.FromSeconds(60)));

        Assert.Contains("HTTP 500", exception.Message);
        Assert.Contains("broken", exception.Message);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Another_version_fails_at_once_naming_both()
    {
        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            Wait(new FakeHttp().On("GET /version", HttpStatusCode.OK, """{"version":"0.3.0-rc1"}"""), "0.3.3", TimeSpan.FromSeconds(60)));

        Assert.Contains("0.3.0-rc1, not 0.3.3", exception.Message);
    }

    [Fact]
    public async Task A_frontend_that_never_answers_times_out_naming_the_parameter()
    {
        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            Wait(new FakeHttp().On("GET /version", _ => throw new HttpRequestException("Connection refused")), "0.3.0", TimeSpan.FromMilliseconds(300)));

        Assert.Contains("--health-timeout", exception.Message);
        Assert.Contains("Connection refused", exception.Message);
    }
}
