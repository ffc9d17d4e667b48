using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Nexplane.Sandbox;

/// <summary>
/// Enough of the GitHub REST API (under <c>/api/v3</c>, like GitHub Enterprise, which is where Octokit sends a
/// non-github.com base address; also at the root, like api.github.com) for Octokit 14 to list, read and download releases.
/// </summary>
public static class GitHubApiRole
{
    const string DocumentationUrl = "https://docs.github.com/rest";

    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var (builder, host, port) = HttpHosting.CreateBuilder(commandLine, defaultPort: 8089);
        var requiredToken = commandLine.Setting("token", "GITHUB_API_TOKEN");
        var publicUrl = commandLine.Setting("public-url", "GITHUB_API_PUBLIC_URL")?.TrimEnd('/');
        var publishedTags = commandLine.Setting("releases", "GITHUB_API_RELEASES") is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(tag => tag.StartsWith('v') ? tag : "v" + tag).ToHashSet()
            : null;
        var catalog = new GitHubReleaseCatalog(publishedTags, commandLine.Setting("notes-style", "GITHUB_API_NOTES_STYLE", "headings"));
        // Rehearses an exhausted rate limit: every API request is answered as api.github.com answers then.
        var rateLimitExhausted = commandLine.Setting("rate-limit-exhausted", "GITHUB_API_RATE_LIMIT_EXHAUSTED") is "1" or "true";

        await using var app = builder.Build();
        app.UseAccessLog();
        app.Use(async (context, next) =>
        {
            // Browser downloads (github.com/<owner>/<repo>/releases/download/...) are public; the API may require a token.
            var isApi = !context.Request.Path.Value!.Contains("/releases/download/", StringComparison.Ordinal);
            if (isApi)
                AddRateLimitHeaders(context.Response, rateLimitExhausted);
            if (isApi && rateLimitExhausted)
            {
                await Message(context, StatusCodes.Status403Forbidden,
                    $"API rate limit exceeded for {context.Connection.RemoteIpAddress}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)");
                return;
            }
            if (isApi && requiredToken is not null && !CarriesToken(context.Request, requiredToken))
            {
                await Message(context, StatusCodes.Status401Unauthorized, "Bad credentials");
                return;
            }

            await next(context);
        });

        string BaseUrl(HttpContext context) => publicUrl ?? $"{context.Request.Scheme}://{context.Request.Host}";

        foreach (var prefix in new[] { "/api/v3", "" })
        {
            var api = app.MapGroup(prefix);
            api.MapGet("/", new RequestDelegate(context => Json(context, Root(BaseUrl(context)), GitHubJson.Default.DictionaryStringString)));
            api.MapGet("/rate_limit", new RequestDelegate(context => Json(context, RateLimit(), GitHubJson.Default.GitHubRateLimit)));
            var repository = api.MapGroup("/repos/{owner}/{repo}");
            repository.MapGet("/releases", OnlyOurRepository(context => ListReleases(context, catalog, BaseUrl(context))));
            repository.MapGet("/releases/latest", OnlyOurRepository(context =>
                JsonOrNotFound(context, catalog.Latest(BaseUrl(context)))));
            repository.MapGet("/releases/tags/{tag}", OnlyOurRepository(context =>
                JsonOrNotFound(context, catalog.ByTag((string)context.Request.RouteValues["tag"]!, BaseUrl(context)))));
            repository.MapGet("/releases/{id:long}", OnlyOurRepository(context =>
                JsonOrNotFound(context, catalog.ById(long.Parse((string)context.Request.RouteValues["id"]!), BaseUrl(context)))));
            repository.MapGet("/releases/{id:long}/assets", OnlyOurRepository(context =>
                catalog.ById(long.Parse((string)context.Request.RouteValues["id"]!), BaseUrl(context)) is { } release
                    ? Json(context, release.Assets.ToList(), AssetListTypeInfo)
                    : Message(context, StatusCodes.Status404NotFound, "Not Found")));
            repository.MapGet("/releases/assets/{id:long}", OnlyOurRepository(context => Asset(context, catalog, BaseUrl(context))));
        }

        app.MapGet("/{owner}/{repo}/releases/download/{tag}/{name}", new RequestDelegate(context =>
            IsOurRepository(context) && catalog.AssetByName((string)context.Request.RouteValues["tag"]!, (string)context.Request.RouteValues["name"]!) is { } asset
                ? Download(context, asset)
                : Message(context, StatusCodes.Status404NotFound, "Not Found")));
        app.MapFallback(new RequestDelegate(context => Message(context, StatusCodes.Status404NotFound, "Not Found")));

        if (!await HttpHosting.TryStartAsync(app, host, port))
            return 1;
        Console.Out.WriteLine($"github-api: serving {GitHubReleaseCatalog.Owner}/{GitHubReleaseCatalog.Repository} " +
            $"({string.Join(", ", catalog.Releases("").Select(release => release.TagName))}) on http://{host}:{port}/api/v3/" +
            (requiredToken is null ? "" : " (token required)"));
        await app.WaitForShutdownAsync();
        Console.Out.WriteLine("github-api: stopped");
        return 0;
    }

    static JsonTypeInfo<List<GitHubReleaseAsset>> AssetListTypeInfo =>
        GitHubJson.Default.ListGitHubReleaseAsset;

    static bool IsOurRepository(HttpContext context) =>
        string.Equals((string?)context.Request.RouteValues["owner"], GitHubReleaseCatalog.Owner, StringComparison.OrdinalIgnoreCase) &&
        string.Equals((string?)context.Request.RouteValues["repo"], GitHubReleaseCatalog.Repository, StringComparison.OrdinalIgnoreCase);

    /// <summary>Octokit sends <c>token &lt;t&gt;</c>; newer clients send <c>Bearer &lt;t&gt;</c>. Both are accepted.</summary>
    static bool CarriesToken(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ');
        if (space < 0)
            return false;
        var scheme = header[..space];
        return (scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            && header[(space + 1)..].Trim() == token;
    }

    /// <summary>Pages with <c>per_page</c> (default 30, max 100) and <c>page</c>, and a Link header Octokit follows for GetAll.</summary>
    static Task ListReleases(HttpContext context, GitHubReleaseCatalog catalog, string baseUrl)
    {
        var all = catalog.Releases(baseUrl);
        var perPage = Math.Clamp(int.TryParse(context.Request.Query["per_page"], out var requested) ? requested : 30, 1, 100);
        var page = Math.Max(1, int.TryParse(context.Request.Query["page"], out var requestedPage) ? requestedPage : 1);
        var lastPage = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var links = new List<string>();
        var self = $"{baseUrl}{context.Request.PathBase}{context.Request.Path}";
        if (page < lastPage)
        {
            links.Add($"<{self}?per_page={perPage}&page={page + 1}>; rel=\"next\"");
            links.Add($"<{self}?per_page={perPage}&page={lastPage}>; rel=\"last\"");
        }
        if (page > 1)
        {
            links.Add($"<{self}?per_page={perPage}&page=1>; rel=\"first\"");
            links.Add($"<{self}?per_page={perPage}&page={page - 1}>; rel=\"prev\"");
        }
        if (links.Count > 0)
            context.Response.Headers.Link = string.Join(", ", links);
        return Json(context, all.Skip((page - 1) * perPage).Take(perPage).ToList(), ReleaseListTypeInfo);
    }

    static JsonTypeInfo<IReadOnlyList<GitHubRelease>> ReleaseListTypeInfo => GitHubJson.Default.IReadOnlyListGitHubRelease;

    /// <summary>Metadata as JSON, or the bytes when the client asks for <c>application/octet-stream</c> (how Octokit downloads).</summary>
    static Task Asset(HttpContext context, GitHubReleaseCatalog catalog, string baseUrl)
    {
        var id = long.Parse((string)context.Request.RouteValues["id"]!);
        if (catalog.AssetById(id) is not { } asset)
            return Message(context, StatusCodes.Status404NotFound, "Not Found");
        if (context.Request.Headers.Accept.ToString().Contains("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            return Download(context, asset);
        var metadata = catalog.ByTag(asset.Tag, baseUrl)!.Assets.First(candidate => candidate.Id == id);
        return Json(context, metadata, GitHubJson.Default.GitHubReleaseAsset);
    }

    static async Task Download(HttpContext context, GitHubReleaseCatalog.AssetFile asset)
    {
        var bytes = asset.Content();
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = bytes.LongLength;
        context.Response.Headers.ContentDisposition = $"attachment; filename={asset.Name}";
        await context.Response.Body.WriteAsync(bytes);
    }

    static Task JsonOrNotFound(HttpContext context, GitHubRelease? release) =>
        release is null ? Message(context, StatusCodes.Status404NotFound, "Not Found") : Json(context, release, GitHubJson.Default.GitHubRelease);

    static Task Json<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo);
    }

    static Task Message(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        return Json(context, new GitHubMessage(message, DocumentationUrl), GitHubJson.Default.GitHubMessage);
    }

    static void AddRateLimitHeaders(HttpResponse response, bool exhausted)
    {
        var rate = exhausted ? RateLimit().Rate with { Limit = 60, Remaining = 0, Used = 60 } : RateLimit().Rate;
        response.Headers["X-RateLimit-Limit"] = rate.Limit.ToString();
        response.Headers["X-RateLimit-Remaining"] = rate.Remaining.ToString();
        response.Headers["X-RateLimit-Reset"] = rate.Reset.ToString();
        response.Headers["X-RateLimit-Used"] = rate.Used.ToString();
        response.Headers["X-RateLimit-Resource"] = rate.Resource;
    }

    /// <summary>A generous limit, exhausted only when asked to (GITHUB_API_RATE_LIMIT_EXHAUSTED).</summary>
    static GitHubRateLimit RateLimit()
    {
        var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var core = new GitHubRate(5000, 4999, reset, 1, "core");
        return new GitHubRateLimit(new GitHubRateLimitResources(core, core with { Limit = 30, Remaining = 30, Used = 0, Resource = "search" },
            core with { Resource = "graphql" }), core);
    }

    static Dictionary<string, string> Root(string baseUrl) => new()
    {
        ["current_user_url"] = $"{baseUrl}/api/v3/user",
        ["rate_limit_url"] = $"{baseUrl}/api/v3/rate_limit",
        ["repository_url"] = $"{baseUrl}/api/v3/repos/{{owner}}/{{repo}}",
        ["releases_url"] = $"{baseUrl}/api/v3/repos/{{owner}}/{{repo}}/releases{{/id}}",
    };

    /// <summary>Only <c>youbetyourballs/nexplane</c> exists here; any other repository is GitHub's 404.</summary>
    static RequestDelegate OnlyOurRepository(RequestDelegate handler) => context =>
        IsOurRepository(context) ? handler(context) : Message(context, StatusCodes.Status404NotFound, "Not Found");
}
