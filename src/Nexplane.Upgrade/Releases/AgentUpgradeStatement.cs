using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Whether an operator's sentence requires the agents to be upgraded. It must be about upgrading agents (names an
/// agent and upgrade, update or replace), demand it ("must", "required", "requires", "need(s) to", "have to", or an
/// imperative "Upgrade your agents ...") and not deny it: "Agents do not need to be upgraded", "No agent upgrade
/// required", "upgrade not required", "no need to", "optional" all read as no. Other negations in the sentence
/// ("... must be upgraded, or they will not report") do not cancel the demand.
/// </summary>
public static partial class AgentUpgradeStatement
{
    public static bool Requires(string text) =>
        ProseSentences.Of(text).Any(sentence =>
            AboutAgentUpgrade().IsMatch(sentence) && Demand().IsMatch(sentence) && !Denial().IsMatch(sentence));

    [GeneratedRegex("""
        ^(?=.*(?<agent> \bagents?\b ))
         (?=.*(?<upgrade> \b(?:upgrad|updat|replac)\w* ))
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex AboutAgentUpgrade();

    [GeneratedRegex("""
          (?<demand>     \b(?:must|required|requires?|needs?\s+to|ha(?:ve|s)\s+to|mandatory)\b )
        | (?<imperative> ^\W*(?:please\s+)?(?:upgrade|update|replace)\b )
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Demand();

    [GeneratedRegex("""
          (?<do_not_need>  \b(?:do|does|need|needs)\s+not\s+(?:need\s+to\s+)?(?:be\s+)?(?:upgrad|updat|replac)\w* )
        | (?<dont_need>    \b(?:don't|doesn't|needn't)\s+(?:need\s+to\s+)?(?:be\s+)?(?:upgrad|updat|replac)\w* )
        | (?<no_upgrade>   \bno\s+(?:agent\s+)?(?:upgrade|update|replacement|change)s?\b )
        | (?<not_required> \bnot\s+(?:required|needed|necessary|mandatory)\b )
        | (?<no_need>      \bno\s+need\b )
        | (?<optional>     \boptional\b )
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Denial();
}
