using System.Text.Json.Serialization;

namespace Nexplane.Sandbox;

// The subset of GitHub's REST shapes that Octokit 14's models read (snake_case, ISO-8601 dates).

public sealed record GitHubUser(
    string Login, long Id, string NodeId, string AvatarUrl, string Url, string HtmlUrl, string Type, bool SiteAdmin);

public sealed record GitHubReleaseAsset(
    string Url, long Id, string NodeId, string Name, string? Label, GitHubUser Uploader, string ContentType, string State,
    long Size, int DownloadCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string BrowserDownloadUrl);

public sealed record GitHubRelease(
    string Url, string HtmlUrl, string AssetsUrl, string UploadUrl, string TarballUrl, string ZipballUrl,
    long Id, string NodeId, string TagName, string TargetCommitish, string Name, string Body, bool Draft, bool Prerelease,
    DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, GitHubUser Author, IReadOnlyList<GitHubReleaseAsset> Assets);

public sealed record GitHubMessage(string Message, string DocumentationUrl);

public sealed record GitHubRate(int Limit, int Remaining, long Reset, int Used, string Resource);

public sealed record GitHubRateLimitResources(GitHubRate Core, GitHubRate Search, GitHubRate Graphql);

public sealed record GitHubRateLimit(GitHubRateLimitResources Resources, GitHubRate Rate);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(GitHubRelease))]
[JsonSerializable(typeof(IReadOnlyList<GitHubRelease>))]
[JsonSerializable(typeof(GitHubReleaseAsset))]
[JsonSerializable(typeof(List<GitHubReleaseAsset>))]
[JsonSerializable(typeof(GitHubMessage))]
[JsonSerializable(typeof(GitHubRateLimit))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class GitHubJson : JsonSerializerContext;
