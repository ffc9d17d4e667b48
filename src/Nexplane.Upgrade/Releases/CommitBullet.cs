using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// One bullet of the changelog workflow, written from <c>git log --oneline</c>: <c>- 1a2b3c4 fix(api)!: drop legacy tokens</c>.
/// Commit subjects are developers' words, so they are read only for what conventional commits mark on purpose:
/// <list type="bullet">
/// <item>breaking: a <c>!</c> before the colon (<c>feat!:</c>, <c>fix(api)!:</c>), or <c>BREAKING CHANGE</c> (upper case, as the
/// convention writes it) in the subject;</item>
/// <item>migration: the scope or subject names <c>migration(s)</c> or <c>alembic</c>, unless the commit is housekeeping
/// (types docs, test, ci, build, style; scope deps; a "bump ..." subject such as <c>chore(deps): bump alembic to 1.14</c>).
/// "Migrate" alone does not count: a migration announced but not run fails VerifyMigrations.</item>
/// </list>
/// Variables and agents are never read from commit subjects; the hand-written operator prose says those.
/// </summary>
public sealed partial record CommitBullet(string Sha, string? Type, string? Scope, bool Bang, string Subject)
{
    static readonly HashSet<string> HousekeepingTypes =
        new(StringComparer.OrdinalIgnoreCase) { "docs", "test", "tests", "ci", "build", "style" };

    /// <summary>The commit a line describes, or null when the line is not a commit bullet.</summary>
    public static CommitBullet? Parse(string line)
    {
        var match = Pattern().Match(line.Trim());
        if (!match.Success)
            return null;
        var conventional = Conventional().Match(match.Groups["subject"].Value);
        return conventional.Success
            ? new CommitBullet(match.Groups["sha"].Value, conventional.Groups["type"].Value,
                conventional.Groups["scope"].Success ? conventional.Groups["scope"].Value : null,
                conventional.Groups["bang"].Success, conventional.Groups["subject"].Value.Trim())
            : new CommitBullet(match.Groups["sha"].Value, null, null, false, match.Groups["subject"].Value.Trim());
    }

    public bool IsBreaking => Bang || Subject.Contains("BREAKING CHANGE", StringComparison.Ordinal);

    public bool IsMigration => !IsHousekeeping && MigrationWords().IsMatch($"{Scope} {Subject}");

    bool IsHousekeeping =>
        (Type is not null && HousekeepingTypes.Contains(Type))
        || string.Equals(Scope, "deps", StringComparison.OrdinalIgnoreCase)
        || Subject.StartsWith("bump ", StringComparison.OrdinalIgnoreCase);

    /// <summary>A list marker, then a short (or full) hexadecimal commit id, possibly in backticks, then the subject.</summary>
    [GeneratedRegex(@"^[-*+]\s+`?(?<sha>[0-9a-f]{7,40})`?\s+(?<subject>\S.*)$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^(?<type>[A-Za-z]+)(?:\((?<scope>[^)]*)\))?(?<bang>!)?:\s*(?<subject>.+)$")]
    private static partial Regex Conventional();

    [GeneratedRegex(@"\b(?:migrations?|alembic)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MigrationWords();
}
