using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Time;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Backend;

/// <summary>What a recreated frontend must show, and how long it has.</summary>
/// <param name="Url">The frontend's base URL; its page is <c>/</c> under it.</param>
/// <param name="Image">The image its container must run; null skips that check (no container to look at).</param>
/// <param name="VersionEndpoint">A version endpoint some deployments have (<c>/version#version</c>); null for none.
/// It is asked leniently: only an answer that carries a version counts, a 404 or the SPA's page is no answer.</param>
public sealed record FrontendExpectation(
    Uri Url,
    NexplaneVersion Target,
    ExpectedImage? Image,
    VersionEndpoint? VersionEndpoint,
    TimeSpan Timeout,
    TimeSpan StabilityWindow);

/// <summary>What the frontend was judged by.</summary>
/// <param name="Stated">The versions it states (empty: it states none, which is fine).</param>
public sealed record FrontendVerdict(RunningImage? Image, IReadOnlyList<StatedVersion> Stated, IReadOnlyList<string> LookedAt)
{
    public StatedVersion? Version => Stated.FirstOrDefault();
}

/// <summary>
/// Judges a recreated frontend. Nexplane's frontend is a static single-page app with no version endpoint, so it is
/// judged by (1) its container running the image Pull recorded, (2) its page answering 2xx, (3) a version stated in
/// the page, a same-origin script it loads, or a configured version endpoint, when one states any, and (4) the page
/// still answering 2xx through the stability window. A 5xx answered for <see cref="ServerErrorGrace"/>, or another
/// version stated, fails at once rather than waiting out the timeout.
/// </summary>
public sealed class FrontendVerifier(HttpClient http, IRunningImages? images, Action<string> log, OperatorAdvice advice, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan StabilitySampleInterval = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many of the page's same-origin scripts are searched for a version, and how much of each.</summary>
    public const int ScriptsSearched = 3;

    public const int MaxBytesRead = 512 * 1024;

    /// <summary>How long a frontend may answer 5xx before that counts as its answer rather than a slow start.</summary>
    public static readonly TimeSpan ServerErrorGrace = TimeSpan.FromSeconds(3);

    public async Task<FrontendVerdict> VerifyAsync(FrontendExpectation expected, CancellationToken cancellationToken)
    {
        var page = new Uri(expected.Url.ToString().TrimEnd('/') + "/");
        var image = expected.Image is null ? null : await ConfirmImageAsync(expected.Image, cancellationToken);

        var html = await WaitForPageAsync(page, expected.Timeout, cancellationToken);
        log($"The frontend's page {page} answers 2xx");

        var (stated, lookedAt) = await FindStatedVersionsAsync(page, html, expected.VersionEndpoint, cancellationToken);
        var judged = Judge(stated);
        if (!Agrees(judged, expected.Target))
        {
            var other = judged.First(s => !s.Version.Equals(expected.Target));
            throw new FrontendVerificationException(
                $"The frontend at {page} states version {other.Version}, not {expected.Target} (in {other.Where}): " +
                $"the image tagged {expected.Target} is not that release.");
        }
        log(judged.Count == 0
            ? $"The frontend states no version (looked at {string.Join(", ", lookedAt)}); judged by its image and its answers"
            : $"The frontend states {expected.Target} ({string.Join("; ", judged.Select(s => s.Where).Distinct())})");

        await ConfirmStaysUpAsync(page, expected.StabilityWindow, cancellationToken);
        if (expected.Image is not null && image is not null)
            await ConfirmNotRestartedAsync(expected.Image, image, cancellationToken);
        log($"The frontend kept answering 2xx through the {expected.StabilityWindow.TotalSeconds:0.#} s stability window");
        return new FrontendVerdict(image, judged, lookedAt);
    }

    /// <summary>The statements that decide: every strong one, or, when there is none, the weak ones.</summary>
    static IReadOnlyList<StatedVersion> Judge(IReadOnlyList<StatedVersion> stated) =>
        stated.Any(s => s.Strong) ? stated.Where(s => s.Strong).ToArray() : stated;

    /// <summary>
    /// No statement agrees trivially; strong statements must all name the target; weak ones (bare <c>v0.3.0</c> text,
    /// which may be a changelog line) agree when one of them names it.
    /// </summary>
    static bool Agrees(IReadOnlyList<StatedVersion> judged, NexplaneVersion target) =>
        judged.Count == 0 || (judged[0].Strong ? judged.All(s => s.Version.Equals(target)) : judged.Any(s => s.Version.Equals(target)));

    async Task<RunningImage> ConfirmImageAsync(ExpectedImage expected, CancellationToken cancellationToken)
    {
        if (images is null)
            throw new InvalidOperationException("An expected image was given without a way to read the running one.");
        var running = await images.OfServiceAsync(expected.Service, cancellationToken)
                      ?? throw new FrontendVerificationException($"No {expected.Service} container exists after it was recreated; it should run {expected.Reference}.");
        var expectedId = await images.ImageIdOfAsync(expected.Reference, cancellationToken);
        if (RunningImageJudge.Mismatch(expected, expectedId, running) is { } mismatch)
            throw new FrontendVerificationException(mismatch);
        log($"{expected.Service}: container {running.Container} runs {expected.Reference} (image {RunningImageJudge.Short(running.ImageId)}), as {expected.Source} recorded");
        return running;
    }

    /// <summary>Polls the page until it answers 2xx and returns (the start of) its body.</summary>
    async Task<string> WaitForPageAsync(Uri page, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _clock.UtcNow + timeout;
        DateTimeOffset? firstServerError = null;
        var lastAnswer = "no answer yet";
        while (true)
        {
            var answer = await GetAsync(page, cancellationToken);
            if (answer.IsSuccess)
                return answer.Body;
            lastAnswer = answer.Describe();
            if (answer.Status >= 500)
            {
                firstServerError ??= _clock.UtcNow;
                if (_clock.UtcNow - firstServerError >= ServerErrorGrace)
                    throw new FrontendVerificationException(
                        $"The frontend at {page} answers {lastAnswer} for {ServerErrorGrace.TotalSeconds:0} s: the new frontend is broken.");
            }
            else
            {
                firstServerError = null;
            }
            if (_clock.UtcNow >= deadline)
                throw new FrontendVerificationException(
                    $"The frontend at {page} did not answer 2xx within {timeout.TotalSeconds:0} s ({advice.Flag(Setting.HealthTimeout)}); last: {lastAnswer}.");
            await _clock.DelayAsync(PollInterval, cancellationToken);
        }
    }

    async Task<(IReadOnlyList<StatedVersion> Stated, IReadOnlyList<string> LookedAt)> FindStatedVersionsAsync(
        Uri page, string html, VersionEndpoint? endpoint, CancellationToken cancellationToken)
    {
        var lookedAt = new List<string> { $"the page {page.AbsolutePath}" };
        var stated = new List<StatedVersion>();
        if (endpoint is not null)
        {
            lookedAt.Add(endpoint.Path);
            stated.AddRange(await AskVersionEndpointAsync(page, endpoint, cancellationToken));
        }
        stated.AddRange(PageVersion.InHtml(html, $"the page {page.AbsolutePath}"));
        if (stated.Any(s => s.Strong))
            return (stated, lookedAt);

        foreach (var script in PageVersion.SameOriginScripts(html, page, ScriptsSearched))
        {
            lookedAt.Add(script.AbsolutePath);
            var answer = await GetAsync(script, cancellationToken);
            if (answer.IsSuccess)
                stated.AddRange(PageVersion.InScript(answer.Body, $"the script {script.AbsolutePath}"));
            else
                log($"The page's script {script.AbsolutePath} answers {answer.Describe()}; not searched for a version");
        }
        return (stated, lookedAt);
    }

    /// <summary>
    /// A version endpoint the product may not have: only a 2xx carrying a version is an answer. A 404, the SPA's
    /// index page or an error is said in a line and never fails a healthy upgrade; the page is what judges health.
    /// </summary>
    async Task<IReadOnlyList<StatedVersion>> AskVersionEndpointAsync(Uri page, VersionEndpoint endpoint, CancellationToken cancellationToken)
    {
        var url = new Uri(page, endpoint.Path.TrimStart('/'));
        var answer = await GetAsync(url, cancellationToken);
        var version = answer.IsSuccess ? ReadVersion(answer.Body, endpoint.JsonField) : null;
        if (version is not null)
            return [new StatedVersion(version, $"the version endpoint {endpoint}", Strong: true)];
        log($"The frontend has no version endpoint at {endpoint} ({(answer.IsSuccess ? "its answer carries no version" : answer.Describe())}); not needed");
        return [];
    }

    static NexplaneVersion? ReadVersion(string body, string? jsonField)
    {
        if (jsonField is null)
            return NexplaneVersion.TryParse(body, out var plain) ? plain : null;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty(jsonField, out var value)
                   && value.ValueKind == JsonValueKind.String
                   && NexplaneVersion.TryParse(value.GetString(), out var version)
                ? version
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The page must go on answering 2xx: one failed answer inside the window fails.</summary>
    async Task ConfirmStaysUpAsync(Uri page, TimeSpan window, CancellationToken cancellationToken)
    {
        var started = _clock.UtcNow;
        var end = started + window;
        while (_clock.UtcNow < end)
        {
            var remaining = end - _clock.UtcNow;
            await _clock.DelayAsync(remaining < StabilitySampleInterval ? remaining : StabilitySampleInterval, cancellationToken);
            var answer = await GetAsync(page, cancellationToken);
            if (!answer.IsSuccess)
                throw new FrontendVerificationException(
                    $"The frontend at {page} answered 2xx, then {answer.Describe()} {(_clock.UtcNow - started).TotalSeconds:0.0} s later, " +
                    $"inside the {window.TotalSeconds:0.#} s {advice.Flag(Setting.StabilityWindow)}: the new frontend does not stay up.");
        }
    }

    async Task ConfirmNotRestartedAsync(ExpectedImage expected, RunningImage before, CancellationToken cancellationToken)
    {
        var after = await images!.OfServiceAsync(expected.Service, cancellationToken);
        if (after is null || after.Container != before.Container || after.RestartCount > before.RestartCount || after.State != "running")
            throw new FrontendVerificationException(after is null
                ? $"{expected.Service}'s container {before.Container} disappeared inside the {advice.Flag(Setting.StabilityWindow)}."
                : $"{expected.Service}'s container {after.Container} is {after.State} with {after.RestartCount} restart(s) " +
                  $"(was {before.Container}, {before.RestartCount}) at the end of the {advice.Flag(Setting.StabilityWindow)}: it crash-loops.");
    }

    /// <summary>One GET, its body read up to <see cref="MaxBytesRead"/>; a refused connection or a timeout is an answer too.</summary>
    async Task<Answer> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        request.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, request.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(request.Token);
            var buffer = new byte[MaxBytesRead];
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), request.Token) is var count and > 0)
                read += count;
            var encoding = EncodingOf(response.Content.Headers.ContentType);
            return new Answer((int)response.StatusCode, encoding.GetString(buffer, 0, read), null);
        }
        catch (HttpRequestException exception)
        {
            return new Answer(null, "", exception.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer(null, "", $"no answer within {RequestTimeout.TotalSeconds:0} s");
        }
    }

    static Encoding EncodingOf(MediaTypeHeaderValue? contentType)
    {
        try
        {
            return contentType?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    sealed record Answer(int? Status, string Body, string? Error)
    {
        public bool IsSuccess => Status is >= 200 and < 300;

        public string Describe() => Status is { } status ? $"HTTP {status} '{Shorten(Body)}'" : Error ?? "no answer";

        static string Shorten(string text)
        {
            var trimmed = text.Trim().ReplaceLineEndings(" ");
            return trimmed.Length > 80 ? trimmed[..80] + "..." : trimmed;
        }
    }
}

public sealed class FrontendVerificationException(string message) : Exception(message);
