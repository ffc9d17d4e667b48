using System.Net;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Tests.Time;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>
/// The Frontend step's judgement against a real HTTP server on 127.0.0.1 shaped like Nexplane's frontend: a Vite
/// single-page app with no version endpoint, whose unknown paths are nginx's 404 or (dev server) the index page.
/// </summary>
public sealed class FrontendVerifierTests : IDisposable
{
    const string Spa = """
        <!doctype html>
        <html lang="en">
          <head>
            <meta charset="UTF-8" />
            <link rel="icon" type="image/svg+xml" href="/vite.svg" />
            <title>Nexplane</title>
            <script type="module" crossorigin src="/assets/index-DiwrgTda.js"></script>
            <link rel="stylesheet" crossorigin href="/assets/index-D8b4DHJx.css">
          </head>
          <body><div id="root"></div></body>
        </html>
        """;

    /// <summary>What a Vite bundle carries whatever the app's version: its libraries' own versions.</summary>
    const string LibraryNoise = """var xs="18.3.1";const Vue={version:"3.4.21"};/*! axios v1.7.2 */""";

    static readonly TimeSpan ShortWindow = TimeSpan.FromMilliseconds(300);

    readonly LoopbackSite _site = new();
    readonly List<string> _log = [];
    /// <summary>The verifier's waits take no real time: the server answers for real, the clock is fake and exact.</summary>
    readonly AdvancingClock _clock = new();

    public void Dispose() => _site.Dispose();

    Task<FrontendVerdict> Verify(string target, ExpectedImage? image = null, IRunningImages? images = null,
        string? endpoint = "/version#version", TimeSpan? timeout = null, TimeSpan? window = null) =>
        new FrontendVerifier(new HttpClient(), images, _log.Add, TestAdvice.Nuke, _clock).VerifyAsync(
            new FrontendExpectation(_site.Url, NexplaneVersion.Parse(target), image,
                endpoint is null ? null : VersionEndpoint.Parse(endpoint), timeout ?? TimeSpan.FromSeconds(30), window ?? ShortWindow),
            CancellationToken.None);

    [Fact]
    public async Task An_spa_whose_version_path_is_a_404_passes_and_says_it_states_no_version()
    {
        _site.Html("/", Spa).On("/assets/index-DiwrgTda.js", HttpStatusCode.OK, "text/javascript", LibraryNoise);

        var verdict = await Verify("0.3.0");

        Assert.Empty(verdict.Stated);
        Assert.Equal(1, _site.Asked("/version"));
        Assert.Contains(_log, line => line.Contains("no version endpoint at /version") && line.Contains("HTTP 404"));
        Assert.Contains(_log, line => line.Contains("states no version") && line.Contains("/assets/index-DiwrgTda.js"));
    }

    [Fact]
    public async Task An_spa_answering_its_index_page_for_version_passes()
    {
        // The Vite dev server (and an nginx try_files fallback) answers every unknown path with the app's page.
        _site.Html("/", Spa).Html("/version", Spa);

        var verdict = await Verify("0.3.0");

        Assert.Empty(verdict.Stated);
        Assert.Contains(_log, line => line.Contains("no version endpoint at /version") && line.Contains("carries no version"));
    }

    [Theory]
    [InlineData("""<head><meta name="version" content="0.3.0"></head><body><div id="root"></div></body>""", "<meta name=\"version\">")]
    [InlineData("""<head><meta content="v0.3.0" name="app-version" /></head>""", "<meta name=\"app-version\">")]
    [InlineData("""<title>Nexplane 0.3.0</title><h1>Nexplane <span id="version">0.3.0</span></h1>""", "the text of the page")]
    [InlineData("""<footer>Nexplane v0.3.0</footer>""", "the text of the page")]
    [InlineData("""<footer><small>v0.3.0</small> - what's new since v0.2.0</footer>""", "the text of the page")]
    public async Task A_matching_version_in_the_html_passes(string html, string where)
    {
        _site.Html("/", $"<!doctype html><html>{html}</html>");

        var verdict = await Verify("0.3.0", endpoint: null);

        Assert.Equal("0.3.0", verdict.Version!.Version.ToString());
        Assert.Contains(where, verdict.Version.Where);
    }

    [Fact]
    public async Task Another_version_in_the_html_fails_naming_both()
    {
        _site.Html("/", """<html><head><title>Nexplane 0.3.0-rc1</title></head><body><h1>Nexplane <span id="version">0.3.0-rc1</span></h1></body></html>""");

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() => Verify("0.3.3"));

        Assert.Contains("states version 0.3.0-rc1, not 0.3.3", exception.Message);
        Assert.Contains("the text of the page /", exception.Message);
    }

    [Fact]
    public async Task A_version_only_in_the_js_bundle_is_found()
    {
        _site.Html("/", Spa).On("/assets/index-DiwrgTda.js", HttpStatusCode.OK, "text/javascript",
            LibraryNoise + """const NEXPLANE_VERSION="0.3.0";console.log("ok");""");

        var verdict = await Verify("0.3.0");

        Assert.Equal("0.3.0", verdict.Version!.Version.ToString());
        Assert.Equal("the script /assets/index-DiwrgTda.js", verdict.Version.Where);
        Assert.Single(verdict.Stated);
    }

    [Fact]
    public async Task Another_version_in_the_js_bundle_fails_naming_the_script()
    {
        _site.Html("/", Spa).On("/assets/index-DiwrgTda.js", HttpStatusCode.OK, "text/javascript",
            LibraryNoise + """footer:"Nexplane v0.2.0",""");

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() => Verify("0.3.0"));

        Assert.Contains("states version 0.2.0, not 0.3.0 (in the script /assets/index-DiwrgTda.js)", exception.Message);
    }

    [Fact]
    public void Scripts_of_another_origin_are_not_fetched()
    {
        var page = """<script src="http://127.0.0.1:1/assets/cdn.js"></script><script src="//cdn.example.com/x.js"></script>""";

        var scripts = PageVersion.SameOriginScripts(page + """<script src="assets/a.js"></script>""", new Uri("http://127.0.0.1:13000/"), 3);

        Assert.Equal([new Uri("http://127.0.0.1:13000/assets/a.js")], scripts);
    }

    [Fact]
    public async Task A_version_endpoint_that_the_deployment_has_is_still_compared()
    {
        _site.Html("/", Spa).On("/version", HttpStatusCode.OK, "application/json", """{"version":"0.3.0-rc1"}""");

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() => Verify("0.3.3"));

        Assert.Contains("states version 0.3.0-rc1, not 0.3.3 (in the version endpoint /version (JSON field 'version'))", exception.Message);
    }

    [Fact]
    public async Task A_frontend_that_keeps_answering_500_fails_as_broken()
    {
        _site.On("/", HttpStatusCode.InternalServerError, "text/html", "<h1>500 Internal Server Error</h1>");
        var started = _clock.UtcNow;

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() => Verify("0.3.4", timeout: TimeSpan.FromMinutes(2)));

        Assert.Contains("HTTP 500", exception.Message);
        Assert.Contains("the new frontend is broken", exception.Message);
        // It fails once the 5xx outlasted the grace, not at the 2-minute timeout.
        Assert.InRange(_clock.UtcNow - started, FrontendVerifier.ServerErrorGrace, FrontendVerifier.ServerErrorGrace + TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_page_that_answers_then_starts_failing_inside_the_stability_window_fails()
    {
        _site.Html("/", Spa).On("/", asked => asked < 2
            ? (HttpStatusCode.OK, "text/html", Spa)
            : (HttpStatusCode.BadGateway, "text/html", "<h1>502 Bad Gateway</h1>"));

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() => Verify("0.3.0", window: TimeSpan.FromMinutes(2)));

        Assert.Contains("answered 2xx, then HTTP 502", exception.Message);
        Assert.Contains("--stability-window", exception.Message);
    }

    [Fact]
    public async Task A_frontend_that_never_answers_times_out_naming_the_parameter()
    {
        var closed = new Uri($"http://127.0.0.1:{Notifications.LoopbackListener.FreePort()}/");

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            new FrontendVerifier(new HttpClient(), null, _log.Add, TestAdvice.Nuke, _clock).VerifyAsync(
                new FrontendExpectation(closed, NexplaneVersion.Parse("0.3.0"), null, null, TimeSpan.FromMilliseconds(300), ShortWindow),
                CancellationToken.None));

        Assert.Contains("--health-timeout", exception.Message);
        Assert.Contains("refused", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    const string PulledDigest = "sha256:5f0c2a1d9e8b7c6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a";
    const string PulledId = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const string OtherId = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    static readonly ExpectedImage Pulled = new("frontend",
        ImageReference.Parse($"127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.3.0@{PulledDigest}"), "Pull");

    static RunningImage Running(string reference = "127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.3.0", string id = PulledId,
        long restarts = 0, string state = "running") =>
        new("nexplane-frontend-1", state, ImageReference.Parse(reference), id,
            [$"127.0.0.1:5000/youbetyourballs/nexplane-frontend@{PulledDigest}"], restarts);

    [Fact]
    public async Task A_container_running_the_pulled_image_passes()
    {
        _site.Html("/", Spa);

        var verdict = await Verify("0.3.0", Pulled, new FakeRunningImages(PulledId, Running()));

        Assert.Equal(PulledId, verdict.Image!.ImageId);
        Assert.Contains(_log, line => line.Contains("runs 127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.3.0@sha256:5f0c2a1d") && line.Contains("as Pull recorded"));
    }

    [Fact]
    public async Task A_container_running_another_image_than_pull_recorded_fails_naming_both()
    {
        _site.Html("/", Spa);

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            Verify("0.3.0", Pulled, new FakeRunningImages(PulledId, Running(id: OtherId))));

        Assert.Contains("runs image sha256:222222222222, not sha256:111111111111", exception.Message);
        Assert.Contains($"nexplane-frontend:0.3.0@{PulledDigest}", exception.Message);
        Assert.Equal(0, _site.Asked("/"));
    }

    [Fact]
    public async Task A_container_still_on_the_previous_tag_fails_naming_both()
    {
        _site.Html("/", Spa);

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            Verify("0.3.0", Pulled, new FakeRunningImages(PulledId, Running("127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.2.0", OtherId))));

        Assert.Contains("runs 127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.2.0, not 127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.3.0", exception.Message);
    }

    [Fact]
    public void Without_a_local_image_id_the_digest_pull_recorded_decides()
    {
        var other = Running() with { RepoDigests = ["127.0.0.1:5000/youbetyourballs/nexplane-frontend@sha256:feedfeedfeed"] };

        Assert.Null(RunningImageJudge.Mismatch(Pulled, null, Running()));
        Assert.Contains("not 127.0.0.1:5000/youbetyourballs/nexplane-frontend:0.3.0@" + PulledDigest, RunningImageJudge.Mismatch(Pulled, null, other));
        Assert.Null(RunningImageJudge.Mismatch(Pulled with { Reference = ImageReference.Parse("docker.io/library/nginx:1.27") }, null,
            Running("nginx:1.27") with { RepoDigests = [] }));
    }

    [Fact]
    public async Task A_container_that_restarts_inside_the_stability_window_fails()
    {
        _site.Html("/", Spa);

        var exception = await Assert.ThrowsAsync<FrontendVerificationException>(() =>
            Verify("0.3.0", Pulled, new FakeRunningImages(PulledId, Running(), Running(restarts: 2))));

        Assert.Contains("2 restart(s)", exception.Message);
        Assert.Contains("crash-loops", exception.Message);
    }

    /// <summary>The engine's answers as data: the running container, read in turn, and the id of the pulled image.</summary>
    sealed class FakeRunningImages(string? pulledImageId, params RunningImage[] reads) : IRunningImages
    {
        int _read;

        public Task<RunningImage?> OfServiceAsync(string service, CancellationToken cancellationToken) =>
            Task.FromResult<RunningImage?>(reads[Math.Min(_read++, reads.Length - 1)]);

        public Task<string?> ImageIdOfAsync(ImageReference reference, CancellationToken cancellationToken) =>
            Task.FromResult(reference.Digest == PulledDigest ? pulledImageId : null);
    }
}
