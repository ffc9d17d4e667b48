using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Release notes an operator supplies offline (<c>--release-notes-file</c>) instead of GitHub. One file may hold
/// several releases, each under a top-level heading naming its version (<c># v0.3.0</c>, <c># Nexplane 0.4.0</c>) or
/// under the changelog workflow's <c>## v0.3.0 (2026-01-20)</c>, so a CHANGELOG.md reads as it is; two headings naming
/// the same version (a pasted GitHub body under its own title) make one release. A file without such headings is the
/// notes of the target version alone.
/// </summary>
public static partial class ReleaseNotesFile
{
    public static IReadOnlyList<PublishedRelease> Read(string path, NexplaneVersion target)
    {
        var text = ReadText(path);
        var named = NamedReleases(text);
        return named.Count > 0 ? named : [new PublishedRelease(target, target.GitTag, text, [])];
    }

    /// <summary>The releases the file's headings name; none for a file without such headings (it names no version of its own).</summary>
    public static IReadOnlyList<PublishedRelease> ReadNamedReleases(string path) => NamedReleases(ReadText(path));

    static string ReadText(string path) =>
        File.Exists(path)
            ? File.ReadAllText(path).Replace("\r\n", "\n")
            : throw new ReleaseSourceException($"The release notes file {path} does not exist.");

    static IReadOnlyList<PublishedRelease> NamedReleases(string text)
    {
        var headings = ReleaseHeading().Matches(text)
            .Select(m => (Match: m, Ok: NexplaneVersion.TryParse(m.Groups["version"].Value, out var v), Version: v))
            .Where(h => h.Ok)
            .ToArray();
        return headings.Select((heading, index) =>
            {
                var start = heading.Match.Index + heading.Match.Length;
                var end = index + 1 < headings.Length ? headings[index + 1].Match.Index : text.Length;
                return (Version: heading.Version!, Notes: text[start..end]);
            })
            .GroupBy(release => release.Version)
            .Select(same => new PublishedRelease(same.Key, same.Key.GitTag, string.Concat(same.Select(r => r.Notes)), []))
            .ToArray();
    }

    [GeneratedRegex(@"^#{1,2}\s+(?:[A-Za-z]+\s+)?(?<version>v?\d+\.\d+\.\d+\S*)(?:\s+\(\d{4}-\d{2}-\d{2}\))?\s*$", RegexOptions.Multiline)]
    private static partial Regex ReleaseHeading();
}
