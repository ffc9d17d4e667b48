namespace Nexplane.Upgrade.Releases;

/// <summary>A downloadable file of a release (agent binaries, checksums, release.yml).</summary>
public sealed record ReleaseAsset(long Id, string Name, long Size, string ApiUrl, string DownloadUrl);

/// <summary>One published Nexplane release: its version, Git tag, Markdown notes and assets.</summary>
public sealed record PublishedRelease(NexplaneVersion Version, string Tag, string Notes, IReadOnlyList<ReleaseAsset> Assets)
{
    /// <summary>Marked as a prerelease on GitHub: published, but not for production (<see cref="LatestRelease"/> passes it by).</summary>
    public bool Prerelease { get; init; }

    public ReleaseAsset? FindAsset(string name) => Assets.FirstOrDefault(a => a.Name == name);
}
