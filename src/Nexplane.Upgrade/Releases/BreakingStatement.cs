using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Whether an operator's sentence (not a commit subject, see <see cref="CommitBullet"/>) announces a breaking change.
/// Deliberately conservative, because changelogs describe fixes with the same words ("Search no longer ignores tags",
/// "Removed a flaky spinner"). A sentence is breaking when it
/// <list type="bullet">
/// <item>says "breaking change" (which covers the <c>BREAKING CHANGE:</c> footer), unless it denies it ("no breaking
/// changes", "not a breaking change", "non-breaking change");</item>
/// <item>says something can no longer be done ("Agents older than 0.3.0 can no longer register"), or is no longer
/// supported, available, accepted, compatible, returned, exposed, served or allowed; not "no longer ignores", "no longer
/// crashes" or "is no longer used";</item>
/// <item>says removed or dropped about an interface: the API, endpoints, routes, flags, options, parameters, something
/// deprecated, or "support for" something ("Dropped support for PostgreSQL 13"); not "removed a duplicate header".</item>
/// </list>
/// </summary>
public static partial class BreakingStatement
{
    public static bool IsBreaking(string text) => ProseSentences.Of(text).Any(IsBreakingSentence);

    static bool IsBreakingSentence(string sentence) =>
        (BreakingChangePhrase().IsMatch(sentence) && !DeniedBreakingChange().IsMatch(sentence))
        || NoLongerPossible().IsMatch(sentence)
        || (Removed().IsMatch(sentence) && Interface().IsMatch(sentence));

    [GeneratedRegex(@"\bbreaking[ -]changes?\b", RegexOptions.IgnoreCase)]
    private static partial Regex BreakingChangePhrase();

    [GeneratedRegex(@"\b(?:no|not|without)\s+(?:a\s+|any\s+)?breaking\b|\bnon-breaking\b", RegexOptions.IgnoreCase)]
    private static partial Regex DeniedBreakingChange();

    [GeneratedRegex("""
          (?<can_no_longer> \bcan\s+no\s+longer\b )
        | (?<withdrawn>     \bno\s+longer\s+(?:be\s+)?(?:supported|available|accepted|compatible|returned|exposed|served|allowed)\b )
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex NoLongerPossible();

    [GeneratedRegex(@"\b(?:removed|dropped)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Removed();

    [GeneratedRegex(@"\b(?:api|endpoints?|routes?|flags?|options?|parameters?|deprecated|support\s+for)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Interface();
}
