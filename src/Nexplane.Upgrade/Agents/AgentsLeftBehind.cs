namespace Nexplane.Upgrade.Agents;

/// <summary>
/// The agent hosts an Agents step left off the new version, as the closing line and the report's outcome name them:
/// each host that failed by name, with what became of it, and the hosts never attempted after it only as a count
/// (on a fleet they are many, and the Agents section lists each).
/// </summary>
public static class AgentsLeftBehind
{
    const int NamedAtMost = 10;

    /// <summary>E.g. <c>fleet-004 rolled back, 45 not attempted</c>; empty when every host is on the new version.</summary>
    public static string Describe(IEnumerable<AgentHostOutcome> outcomes)
    {
        var behind = outcomes.Where(o => !o.IsSuccess).ToArray();
        var failed = behind.Where(o => o.Result != AgentHostResult.NotAttempted).ToArray();
        var parts = failed.Take(NamedAtMost).Select(o => $"{o.Host} {InWords(o.Result)}").ToList();
        if (failed.Length > NamedAtMost)
            parts.Add($"{failed.Length - NamedAtMost} more failed");
        if (behind.Length - failed.Length is > 0 and var notAttempted)
            parts.Add($"{notAttempted} not attempted");
        return string.Join(", ", parts);
    }

    static string InWords(AgentHostResult result) => result switch
    {
        AgentHostResult.RolledBack => "rolled back",
        AgentHostResult.NeedsHuman => "needs a human",
        AgentHostResult.NotChanged => "not changed",
        _ => result.ToString(),
    };
}
