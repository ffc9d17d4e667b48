namespace Nexplane.Upgrade.Releases;

/// <summary>
/// <c>--version latest</c>: the newest stable release, as an operator means it: the highest version (not the one
/// published last: a patch to an older line can come after a newer release), never a draft (not listed), a release
/// marked as a prerelease, or a prerelease version such as 0.4.0-rc.1.
/// </summary>
public static class LatestRelease
{
    public const string Keyword = "latest";

    public static bool IsRequested(string? requested) => string.Equals(requested?.Trim(), Keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>The newest stable version of <paramref name="releases"/>; null when there is none.</summary>
    public static NexplaneVersion? Newest(IEnumerable<PublishedRelease> releases) =>
        releases.Where(r => !r.Prerelease && r.Version.Semantic.IsRelease).Select(r => r.Version).Max();
}
