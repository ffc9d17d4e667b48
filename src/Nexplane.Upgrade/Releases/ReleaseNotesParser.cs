using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Reads a release's Markdown notes (and an optional release.yml) into a <see cref="ReleaseDigest"/>. Two styles:
/// <list type="bullet">
/// <item>Heading style: headings are matched by keyword ("Breaking", "Migration", "Environment", "Agent"), whatever
/// their level or wording; bullets under them are the items. Under such a heading the heading decides its own concern.</item>
/// <item>Changelog style (what Nexplane's changelog workflow writes): a <c>## vX.Y.Z (date)</c> heading, one
/// <see cref="CommitBullet"/> per commit, and hand-written operator prose. Every concern no heading decides is read
/// line by line: commit bullets for breaking changes and migrations, prose by <see cref="BreakingStatement"/>,
/// <see cref="MigrationStatement"/>, <see cref="RequiredVariableStatement"/> and <see cref="AgentUpgradeStatement"/>.</item>
/// </list>
/// <c>min_compatible_version</c> and <c>severity</c> are read from a release.yml-style block anywhere in the text.
/// CRLF bodies (as github.com stores edited notes) read the same.
/// </summary>
public static partial class ReleaseNotesParser
{
    enum Section { None, Breaking, Migration, Environment, Agents }

    public static ReleaseDigest Parse(NexplaneVersion version, string markdown, string? releaseYaml = null)
    {
        var lines = markdown.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var breaking = new List<string>();
        var migrations = new List<string>();
        var environment = new List<string>();
        var agentUpgradeRequired = false;
        var section = Section.None;

        foreach (var rawLine in lines)
        {
            var line = rawLine.Trim();
            var heading = HeadingPattern().Match(line);
            if (heading.Success)
            {
                section = SectionOf(heading.Groups["title"].Value);
                continue;
            }

            var bullet = BulletPattern().Match(line);
            var item = bullet.Success ? bullet.Groups["text"].Value.Trim() : line;
            if (item.Length == 0)
                continue;

            switch (section)
            {
                case Section.Breaking when bullet.Success && !IsNone(item):
                    breaking.Add(item);
                    break;
                case Section.Migration when bullet.Success && !IsNone(item):
                    migrations.Add(item);
                    break;
                case Section.Environment:
                    environment.AddRange(VariableNames(item));
                    break;
                case Section.Agents when AgentUpgradeRequiredPattern().IsMatch(item) && !AgentUpgradeNotRequiredPattern().IsMatch(item):
                    agentUpgradeRequired = true;
                    break;
            }

            // What no heading decides here, from commit bullets and the operator's prose. Agents are the exception:
            // prose that demands an agent upgrade counts under an Agents heading too ("Agents must be upgraded").
            var commit = CommitBullet.Parse(line);
            if (section != Section.Breaking && (commit?.IsBreaking ?? BreakingStatement.IsBreaking(item)))
                breaking.Add(item);
            if (section != Section.Migration && (commit?.IsMigration ?? MigrationStatement.Announces(item)))
                migrations.Add(item);
            if (commit is not null)
                continue;
            if (section != Section.Environment)
                environment.AddRange(RequiredVariableStatement.Names(item));
            agentUpgradeRequired |= AgentUpgradeStatement.Requires(item);
        }

        var yaml = (releaseYaml ?? "") + "\n" + markdown;
        return new ReleaseDigest(
            version,
            breaking,
            migrations,
            environment.Distinct().ToArray(),
            agentUpgradeRequired,
            ReadYamlValue(yaml, "min_compatible_version") is { } minimum && NexplaneVersion.TryParse(minimum, out var parsed) ? parsed : null,
            ReadYamlValue(yaml, "severity"));
    }

    static Section SectionOf(string title)
    {
        var lower = title.ToLowerInvariant();
        if (lower.Contains("breaking")) return Section.Breaking;
        if (lower.Contains("migration")) return Section.Migration;
        if (lower.Contains("environment") || lower.Contains("configuration") || lower.Contains("env var")) return Section.Environment;
        if (lower.Contains("agent")) return Section.Agents;
        return Section.None;
    }

    /// <summary>"None", "n/a", "No breaking changes." and the like mean the section is empty.</summary>
    static bool IsNone(string item) => NonePattern().IsMatch(item);

    /// <summary>Environment variable names are upper-case words with underscores, usually in backticks.</summary>
    static IEnumerable<string> VariableNames(string item) =>
        VariableNamePattern().Matches(item).Select(m => m.Groups["name"].Value);

    static string? ReadYamlValue(string text, string key)
    {
        var match = Regex.Match(text.Replace("\r\n", "\n"), $@"^\s*{Regex.Escape(key)}\s*:\s*[""']?(?<value>[^""'\n#]+?)[""']?\s*(#.*)?$", RegexOptions.Multiline);
        return match.Success ? match.Groups["value"].Value.Trim() : null;
    }

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^(?:[-*+]|\d+[.)])\s+(?<text>.+)$")]
    private static partial Regex BulletPattern();

    [GeneratedRegex(@"^(none|n/?a|nothing|no\b.*\b(changes?|migrations?|required)\b)[.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex NonePattern();

    [GeneratedRegex(@"`?(?<name>\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b)`?")]
    private static partial Regex VariableNamePattern();

    [GeneratedRegex(@"\b(upgrade|update|replace)\b.*\b(required|must|needed|mandatory)\b|\b(required|must|needed|mandatory)\b.*\b(upgrade|update|replace)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AgentUpgradeRequiredPattern();

    [GeneratedRegex(@"\b(not|no)\b\s+(\w+\s+)?(required|needed|necessary|mandatory)|\bno agent upgrade\b|\bnot required\b", RegexOptions.IgnoreCase)]
    private static partial Regex AgentUpgradeNotRequiredPattern();
}
