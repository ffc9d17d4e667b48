using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Splits an operator's line into sentences (at <c>.</c>, <c>!</c>, <c>?</c> or <c>;</c> followed by a space or the end), so
/// that "Set NEW_TOKEN before upgrading; OLD_TOKEN is no longer used." is judged clause by clause. Version numbers
/// (0.3.0) and file names (.env) do not split, having no space after their dots.
/// </summary>
public static partial class ProseSentences
{
    public static IEnumerable<string> Of(string text) =>
        Boundary().Split(text).Select(sentence => sentence.Trim()).Where(sentence => sentence.Length > 0);

    [GeneratedRegex(@"(?<=[.!?;])(?:\s+|$)")]
    private static partial Regex Boundary();
}
