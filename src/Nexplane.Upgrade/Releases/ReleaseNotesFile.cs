using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Release notes an operator supplies offline (<c>--release-notes-file</c>) instead of GitHub. One file may hold
/// several releases, each under a top-level heading naming its version (<c># v0.3.0</c>, <c># Nexplane 0.4.0</c>);
/// a file without such headings is the notes of the target version alone.
/// </summary>
public static partial class ReleaseNotesFile
{
    public static IReadOnlyList<PublishedRelease> Read(string path, NexplaneVersion target)
    {
        if (!File.Exists(path))
            throw new ReleaseSourceException($"The release notes file {path} does not exist.");
        var text = File.ReadAllText(path).Replace("\r\n", "\n");
        var headings = ReleaseHeading().Matches(text)
            .Select(m => (Match: m, Ok: NexplaneVersion.TryParse(m.Groups["version"].Value, out var v), Version: v))
            .Where(h => h.Ok)
            .ToArray();
        if (headings.Length == 0)
            return [new PublishedRelease(target, target.GitTag, text, [])];

        return headings.Select((heading, index) =>
        {
            var start = heading.Match.Index + heading.Match.Length;
            var end = index + 1 < headings.Length ? headings[index + 1].Match.Index : text.Length;
            return new PublishedRelease(heading.Version!, heading.Version!.GitTag, text[start..end], []);
        }).ToArray();
    }

    [GeneratedRegex(@"^#\s+(?:[A-Za-z]+\s+)?(?<version>v?\d+\.\d+\.\d+\S*)\s*$", RegexOptions.Multiline)]
    private static partial Regex ReleaseHeading();
}
