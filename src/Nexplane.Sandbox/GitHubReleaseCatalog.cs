using System.Security.Cryptography;
using System.Text;

namespace Nexplane.Sandbox;

/// <summary>
/// The releases of <c>youbetyourballs/nexplane</c> as GitHub would list them: one per baked-in release, newest first,
/// each with agent binaries, their <c>.sha256</c> files and <c>release.yml</c>. The linux-amd64 agent is this very
/// binary plus a trailer naming the release (so a downloaded "agent" really runs, as that release); the other platforms
/// get small deterministic placeholders.
/// </summary>
public sealed class GitHubReleaseCatalog
{
    public const string Owner = "youbetyourballs";
    public const string Repository = "nexplane";

    static readonly DateTimeOffset FirstPublished = new(2025, 1, 14, 9, 30, 0, TimeSpan.Zero);
    static readonly string[] AgentPlatforms = ["linux-amd64", "linux-arm64", "darwin-arm64", "windows-amd64"];

    readonly Lazy<byte[]> ownExecutable = new(() => File.ReadAllBytes("/proc/self/exe"));

    // Listing a release reports every asset's size, and checksums hash a 10 MB binary: compute each once.
    readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte[]> contentCache = new();
    readonly IReadOnlyList<Entry> entries;

    /// <param name="publishedTags">Tags to publish (e.g. to rehearse "0.4.0 is not out yet"); null publishes every release.</param>
    /// <param name="notesStyle"><c>headings</c> (default): the releases and notes of the runbook-shaped sandbox.
    /// <c>changelog</c>: the real-shape sandbox's, changelog-style notes (<see cref="GitHubReleaseNotes.ChangelogFor"/>),
    /// no release.yml assets, plus the releases only it publishes (<see cref="Release.RealShapeOnly"/>).</param>
    public GitHubReleaseCatalog(IReadOnlySet<string>? publishedTags, string notesStyle = "headings")
    {
        var changelog = notesStyle switch
        {
            "headings" => false,
            "changelog" => true,
            _ => throw new SandboxConfigurationException($"GITHUB_API_NOTES_STYLE (--notes-style) must be headings or changelog, got '{notesStyle}'."),
        };
        // Index (position in Releases.All) fixes the ids; Position (version order among this catalog's releases)
        // fixes the order and the dates. Without the real-shape-only releases both are the same.
        entries = Sandbox.Releases.All
            .Select((release, index) => (Release: release, Index: index))
            .Where(item => changelog || !item.Release.RealShapeOnly)
            .OrderBy(item => System.Version.Parse(item.Release.Version))
            .Select((item, position) => new Entry(item.Release, item.Index, position, $"v{item.Release.Version}", changelog))
            .Where(entry => publishedTags is null || publishedTags.Contains(entry.Tag))
            .OrderByDescending(entry => entry.Position)
            .ToList();
    }

    sealed record Entry(Release Release, int Index, int Position, string Tag, bool Changelog)
    {
        public long Id => 190_000_000 + Index * 1_000;
        public DateTimeOffset PublishedAt => FirstPublished.AddDays(Position * 14);
        public GitHubReleaseNotes.Notes Notes => Changelog
            ? GitHubReleaseNotes.ChangelogFor(Release.Version, PublishedAt)
            : GitHubReleaseNotes.For(Release.Version);
    }

    /// <summary>An asset's identity and how to produce its bytes.</summary>
    public sealed record AssetFile(long Id, string Tag, string Name, string ContentType, Func<byte[]> Content, DateTimeOffset CreatedAt);

    public IReadOnlyList<GitHubRelease> Releases(string baseUrl) => entries.Select(entry => ToGitHub(entry, baseUrl)).ToList();

    public GitHubRelease? ByTag(string tag, string baseUrl) =>
        entries.FirstOrDefault(entry => entry.Tag == tag) is { } entry ? ToGitHub(entry, baseUrl) : null;

    public GitHubRelease? ById(long id, string baseUrl) =>
        entries.FirstOrDefault(entry => entry.Id == id) is { } entry ? ToGitHub(entry, baseUrl) : null;

    /// <summary>GitHub's "latest": the newest published, non-draft, non-prerelease release.</summary>
    public GitHubRelease? Latest(string baseUrl) => entries.Count == 0 ? null : ToGitHub(entries[0], baseUrl);

    public AssetFile? AssetById(long id) => entries.SelectMany(AssetsOf).FirstOrDefault(asset => asset.Id == id);

    public AssetFile? AssetByName(string tag, string name) =>
        entries.Where(entry => entry.Tag == tag).SelectMany(AssetsOf).FirstOrDefault(asset => asset.Name == name);

    IEnumerable<AssetFile> AssetsOf(Entry entry)
    {
        var version = entry.Release.Version;
        var created = entry.PublishedAt.AddMinutes(-20);
        var id = 260_000_000L + entry.Index * 100;
        foreach (var platform in AgentPlatforms)
        {
            var name = platform.StartsWith("windows", StringComparison.Ordinal)
                ? $"nexplane-agent-{platform}-{version}.exe"
                : $"nexplane-agent-{platform}-{version}";
            Func<byte[]> binary = platform == "linux-amd64"
                ? () => AgentReleaseTrailer.Append(ownExecutable.Value, version)
                : () => Placeholder(platform, version);
            var binaryId = ++id;
            yield return new AssetFile(binaryId, entry.Tag, name, "application/octet-stream", Cached(binaryId, binary), created);
            var checksumId = ++id;
            yield return new AssetFile(checksumId, entry.Tag, $"{name}.sha256", "text/plain", Cached(checksumId,
                () => Encoding.ASCII.GetBytes($"{Convert.ToHexStringLower(SHA256.HashData(Cached(binaryId, binary)()))}  dist/{name}\n")), created);
        }

        // Real releases keep release.yml in the repository, not among the assets.
        if (entry.Changelog)
            yield break;
        var releaseYaml = entry.Notes.ReleaseYaml;
        yield return new AssetFile(++id, entry.Tag, "release.yml", "application/x-yaml", () => Encoding.UTF8.GetBytes(releaseYaml), created);
    }

    Func<byte[]> Cached(long assetId, Func<byte[]> produce) => () => contentCache.GetOrAdd(assetId, _ => produce());

    /// <summary>Deterministic bytes, identical on every run, so checksums are stable across sandbox restarts.</summary>
    static byte[] Placeholder(string platform, string version)
    {
        var text = new StringBuilder();
        while (text.Length < 2048)
            text.Append($"nexplane-agent {version} {platform} placeholder (the sandbox only ships a real linux-amd64 binary)\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    GitHubRelease ToGitHub(Entry entry, string baseUrl)
    {
        var api = $"{baseUrl}/api/v3/repos/{Owner}/{Repository}";
        var web = $"{baseUrl}/{Owner}/{Repository}";
        var author = Author(baseUrl);
        var assets = AssetsOf(entry).Select(asset => new GitHubReleaseAsset(
            $"{api}/releases/assets/{asset.Id}", asset.Id, $"RA_kwDO{asset.Id}", asset.Name, null, author, asset.ContentType, "uploaded",
            asset.Content().LongLength, 0, asset.CreatedAt, asset.CreatedAt, $"{web}/releases/download/{entry.Tag}/{asset.Name}")).ToList();
        return new GitHubRelease(
            $"{api}/releases/{entry.Id}", $"{web}/releases/tag/{entry.Tag}", $"{api}/releases/{entry.Id}/assets",
            $"{baseUrl}/api/uploads/repos/{Owner}/{Repository}/releases/{entry.Id}/assets{{?name,label}}",
            $"{api}/tarball/{entry.Tag}", $"{api}/zipball/{entry.Tag}",
            entry.Id, $"RE_kwDO{entry.Id}", entry.Tag, "main", entry.Notes.Title, entry.Notes.Body, Draft: false, Prerelease: false,
            entry.PublishedAt.AddHours(-1), entry.PublishedAt, author, assets);
    }

    static GitHubUser Author(string baseUrl) => new(
        "nexplane-release-bot", 41898282, "MDM6Qm90NDE4OTgyODI=", $"{baseUrl}/avatars/nexplane-release-bot",
        $"{baseUrl}/api/v3/users/nexplane-release-bot", $"{baseUrl}/nexplane-release-bot", "Bot", false);
}
