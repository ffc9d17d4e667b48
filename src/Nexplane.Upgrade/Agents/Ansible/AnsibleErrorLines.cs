namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// What of Ansible's own error output the tool repeats when an Ansible command fails before it reached any host: its
/// headline lines only (<c>ERROR!</c>, <c>[ERROR]</c>, <c>[WARNING]</c>), never the context it quotes. A parse error of
/// the operator's inventory quotes "the offending line", which may be a plaintext become password, and a dynamic
/// inventory script may print anything: none of that may reach the log, the report or an exception.
/// </summary>
public static class AnsibleErrorLines
{
    const int LongestLine = 240;

    /// <summary>A line Ansible opens an error or a warning with (not the context it quotes below it).</summary>
    public static bool IsHeadline(string line)
    {
        var text = line.TrimStart();
        return text.StartsWith("ERROR!", StringComparison.Ordinal) || text.StartsWith("[ERROR]", StringComparison.Ordinal) ||
               text.StartsWith("[WARNING]", StringComparison.Ordinal);
    }

    public static string Headlines(IEnumerable<string> standardError, string command)
    {
        var headlines = standardError
            .Select(line => line.Trim())
            .Where(IsHeadline)
            .Select(line => line.Length > LongestLine ? line[..LongestLine] + "..." : line)
            .TakeLast(5)
            .ToArray();
        var said = headlines.Length > 0 ? string.Join(" ", headlines) : "no error line of its own";
        return $"{said} (only Ansible's headlines are repeated here: run {command} yourself for the whole message)";
    }
}
