using System.Net;
using Octokit;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Nexplane's releases read from GitHub through Octokit: github.com, a GitHub Enterprise server, or the
/// sandbox's local API. Errors are translated into what the operator can do about them.
/// </summary>
public sealed class GitHubReleaseSource
{
    readonly GitHubClient _client;
    readonly string _owner;
    readonly string _name;
    readonly string _server;
    readonly OperatorAdvice _advice;

    public GitHubReleaseSource(string? apiUrl, string repository, string? token, OperatorAdvice advice)
    {
        _advice = advice;
        var parts = repository.Split('/');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new ReleaseSourceException($"'{repository}' is not a GitHub repository; expected owner/name, e.g. youbetyourballs/nexplane.");
        (_owner, _name) = (parts[0], parts[1]);

        var server = ServerRoot(apiUrl, advice);
        _server = server?.ToString() ?? "https://api.github.com/";
        var product = new ProductHeaderValue("nexplane-upgrade");
        _client = server is null ? new GitHubClient(product) : new GitHubClient(product, server);
        if (!string.IsNullOrEmpty(token))
            _client.Credentials = new Credentials(token);
    }

    /// <summary>Every published (non-draft) release that carries a Nexplane version, newest first.</summary>
    public async Task<IReadOnlyList<PublishedRelease>> GetAllAsync(CancellationToken cancellationToken)
    {
        var releases = await Call(() => _client.Repository.Release.GetAll(_owner, _name, new ApiOptions { PageSize = 100 }), "list releases");
        cancellationToken.ThrowIfCancellationRequested();
        return releases
            .Where(r => !r.Draft)
            .Select(ToPublished)
            .OfType<PublishedRelease>()
            .OrderByDescending(r => r.Version)
            .ToArray();
    }

    /// <summary>The release of <paramref name="version"/>, found by its tag with or without the leading v.</summary>
    public async Task<PublishedRelease> GetAsync(NexplaneVersion version, CancellationToken cancellationToken)
    {
        foreach (var tag in new[] { version.GitTag, version.ToString() })
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var release = await _client.Repository.Release.Get(_owner, _name, tag);
                return ToPublished(release) ?? throw new ReleaseSourceException($"Release {tag} has no version in its tag.");
            }
            catch (NotFoundException)
            {
            }
            catch (Exception exception) when (exception is not ReleaseSourceException)
            {
                throw Translate(exception, $"read release {tag}");
            }
        }
        throw new ReleaseSourceException($"{_owner}/{_name} has no release {version} (tried tags {version.GitTag} and {version}) on {_server}.");
    }

    /// <summary>Downloads a release asset's bytes (agent binaries, checksum files, release.yml).</summary>
    public async Task<byte[]> DownloadAsync(ReleaseAsset asset, CancellationToken cancellationToken)
    {
        // Octokit hands an application/octet-stream body back as a Stream, not as byte[].
        var response = await Call(
            () => _client.Connection.Get<Stream>(new Uri(asset.ApiUrl), new Dictionary<string, string>(), "application/octet-stream"),
            $"download {asset.Name}");
        using var buffer = new MemoryStream();
        await response.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    static PublishedRelease? ToPublished(Release release) =>
        NexplaneVersion.TryParse(release.TagName, out var version)
            ? new PublishedRelease(version, release.TagName, release.Body ?? "",
                release.Assets.Select(a => new ReleaseAsset(a.Id, a.Name, a.Size, a.Url, a.BrowserDownloadUrl)).ToArray()) { Prerelease = release.Prerelease }
            : null;

    /// <summary>Octokit appends api/v3/ to a non-github.com address itself, so pass it the server root.</summary>
    static Uri? ServerRoot(string? apiUrl, OperatorAdvice advice)
    {
        if (string.IsNullOrWhiteSpace(apiUrl))
            return null;
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ReleaseSourceException($"'{apiUrl}' is not an http(s) URL for {advice.Flag(Setting.GitHubApiUrl)}.");
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase))
            path = path[..^"/api/v3".Length];
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + path + "/");
    }

    async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (Exception exception)
        {
            throw Translate(exception, what);
        }
    }

    ReleaseSourceException Translate(Exception exception, string what) => exception switch
    {
        RateLimitExceededException limit => new ReleaseSourceException(
            $"GitHub's rate limit was reached while trying to {what}; it resets at {limit.Reset:u}. " +
            $"Pass {_advice.Flag(Setting.GitHubToken)} to raise the limit, or {_advice.Flag(Setting.ReleaseNotesFile)} to upgrade offline."),
        AuthorizationException => new ReleaseSourceException(
            $"GitHub at {_server} refused the credentials while trying to {what}. Check {_advice.Flag(Setting.GitHubToken)} (it is not printed)."),
        NotFoundException => new ReleaseSourceException(
            $"GitHub at {_server} has no repository {_owner}/{_name} (or the token cannot see it) while trying to {what}."),
        ApiException api when api.StatusCode == HttpStatusCode.Forbidden => new ReleaseSourceException(
            $"GitHub at {_server} answered 403 Forbidden while trying to {what}: {api.Message}"),
        HttpRequestException or TaskCanceledException => new ReleaseSourceException(
            $"GitHub at {_server} cannot be reached to {what}: {exception.Message}. " +
            $"Check {_advice.Flag(Setting.GitHubApiUrl)} and the network, or pass {_advice.Flag(Setting.ReleaseNotesFile)} to upgrade offline."),
        _ => new ReleaseSourceException($"Could not {what} from GitHub at {_server}: {exception.Message}"),
    };
}

/// <summary>Release information could not be read. Nothing was changed.</summary>
public sealed class ReleaseSourceException(string message) : Exception(message);
