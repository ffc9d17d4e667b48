using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// The environment variables an operator's sentence requires. A variable is an upper-case name with an underscore
/// (<c>WEBHOOK_SECRET</c>), any upper-case name in backticks (<c>`TZ`</c>) or right after "variable"
/// ("environment variable TOKEN"). A sentence requires the names it holds when it says so:
/// <list type="bullet">
/// <item>"required" or "requires" ("This needs a new required environment variable FOO_KEY", "requires `FOO_KEY`");</item>
/// <item>"must be set / defined / provided / configured" ("FOO_KEY must be set");</item>
/// <item>set, define, add or provide it before upgrading or starting ("Set FOO_KEY before upgrading");</item>
/// <item>unless it is set ("The backend refuses to start unless FOO_KEY is set").</item>
/// </list>
/// A sentence that also says "no longer used/read/required/needed", "optional", "not required/needed/used",
/// "deprecated", "only if/when", or that it may or can be removed, requires nothing: the environment gate has no
/// override, so a variable read by mistake would block the upgrade. Mentions alone ("the default of FOO_KEY
/// changed") require nothing either.
/// </summary>
public static partial class RequiredVariableStatement
{
    public static IEnumerable<string> Names(string text) =>
        ProseSentences.Of(text)
            .Where(sentence => Requirement().IsMatch(sentence) && !Release().IsMatch(sentence))
            .SelectMany(sentence => VariableName().Matches(sentence).Select(m => m.Groups["name"].Value))
            .Distinct();

    [GeneratedRegex("""
          (?<required>       \brequire[sd]?\b )
        | (?<must_be_set>    \bmust\s+(?:also\s+)?be\s+(?:set|defined|provided|configured)\b )
        | (?<set_before>     \b(?:set|define|add|provide)\b.*\bbefore\s+(?:upgrading|you\s+upgrade|the\s+upgrade|starting)\b )
        | (?<unless_set>     \bunless\b.*\b(?:is|are)\s+set\b )
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Requirement();

    [GeneratedRegex("""
          (?<no_longer>      \bno\s+longer\s+(?:be\s+)?(?:used|read|required|needed|necessary|supported)\b )
        | (?<optional>       \boptional(?:ly)?\b )
        | (?<not_required>   \bnot\s+(?:required|needed|necessary|used)\b )
        | (?<deprecated>     \bdeprecated\b )
        | (?<conditional>    \bonly\s+(?:if|when)\b )
        | (?<may_remove>     \b(?:may|can)\s+(?:now\s+|safely\s+)?(?:be\s+)?(?:remove|removed|drop|dropped|unset|delete|deleted)\b )
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Release();

    [GeneratedRegex("""
          `(?<name>[A-Z][A-Z0-9_]*)`                        # any upper-case name in backticks
        | \b(?<name>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b        # WITH_UNDERSCORE
        | \bvariable\s+(?<name>[A-Z][A-Z0-9]+)\b           # "environment variable TOKEN"
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex VariableName();
}
