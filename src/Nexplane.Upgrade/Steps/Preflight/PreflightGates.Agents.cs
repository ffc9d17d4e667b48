using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The agents' gates: a required agent upgrade must be possible before the control plane goes down.</summary>
public static partial class PreflightGates
{
    /// <summary>Why the agents are to be upgraded (the release notes, or the operator's flag); null when they are not.</summary>
    public static string? AgentUpgradeReason(UpgradePath? path, AgentSettings agents, OperatorAdvice advice) =>
        path is null || !(path.AgentUpgradeRequired || agents.UpgradeRequested)
            ? null
            : path.AgentUpgradeRequired
                ? $"the release notes of {string.Join(", ", path.Releases.Where(r => r.AgentUpgradeRequired).Select(r => r.Version))} require an agent upgrade"
                : $"{advice.Flag(Setting.UpgradeAgents)} was given";

    /// <summary>Whether the agent hosts are to be checked now: an agent upgrade is due, the tool does it, and the hosts are named.</summary>
    public static bool ChecksAgentHosts(string? whyAgents, AgentSettings agents) =>
        whyAgents is not null && !agents.Skip && agents.HostsNamed;

    /// <summary>An agent upgrade without hosts to upgrade is refused; the hosts' own problems are this gate's.</summary>
    public static IEnumerable<UpgradeGateFailure> Agents(string? whyAgents, AgentSettings agents, AgentPreflightResult? checkedHosts, OperatorAdvice advice)
    {
        if (whyAgents is null || agents.Skip)
            return [];
        if (!agents.HostsNamed)
            return [new("agents", $"{char.ToUpperInvariant(whyAgents[0])}{whyAgents[1..]}, but no agent hosts are given. Name the hosts to upgrade with " +
                                  $"{advice.Flag(Setting.AgentHostsFile)} <file> (see docs/runbook-steps.md, Agents), or with {advice.Flag(Setting.AgentEngine)} Ansible " +
                                  $"{advice.Flag(Setting.AgentInventory)} <inventory> {advice.Flag(Setting.AgentInventoryGroup)} <group>, or pass {advice.Flag(Setting.SkipAgents)} to upgrade the agents by hand afterwards.")];
        return checkedHosts?.Problems.Select(problem => new UpgradeGateFailure("agents", problem)) ?? [];
    }

    /// <summary>
    /// An agent upgrade the operator leaves to themselves (<see cref="AgentSettings.Skip"/>): what to do by hand. A rehearsal
    /// leaves the agents alone whatever the operator passed, so it says that instead.
    /// </summary>
    public static IEnumerable<string> AgentNotices(string? whyAgents, AgentSettings agents, NexplaneVersion target, OperatorAdvice advice,
        bool forRehearsal = false) =>
        whyAgents is null ? []
        : forRehearsal
            ? [$"Agents: {whyAgents}; a rehearsal leaves the agents alone: the upgrade replaces them on the hosts of " +
               $"{advice.Flag(Setting.AgentHostsFile)}, or leaves them to you with {advice.Flag(Setting.SkipAgents)}."]
        : agents.Skip
            ? [$"Agents: {whyAgents}, and {advice.Flag(Setting.SkipAgents)} leaves it to you: after the upgrade, replace each agent with " +
               $"nexplane-agent-<platform>-{target} from release {target.GitTag} (check its .sha256) and restart its service."]
            : [];
}
