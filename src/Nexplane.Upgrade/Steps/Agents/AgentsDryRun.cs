using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>Agents' line in the dry run: why it would not run, or the canary and the waves.</summary>
public static class AgentsDryRun
{
    /// <param name="skipped">Why the step would not run; null when it runs.</param>
    /// <param name="waves">The canary, then the waves.</param>
    /// <param name="source">Where the hosts come from and what moves them, said first; null to say nothing.</param>
    public static StepPlan Plan(string? skipped, IReadOnlyList<IReadOnlyList<AgentHost>> waves, string? source = null) =>
        skipped is not null
            ? new($"skipped: {skipped}")
            : new("upgrade the agent hosts, each rolled back on its own if it does not register",
                (source is null ? [] : new[] { $"hosts: {source}" }).Concat(waves.Select((wave, index) => index == 0
                    ? $"canary: {wave[0]}"
                    : $"wave {index} of {waves.Count - 1}: {string.Join(", ", wave.Select(host => host.ToString()))}")).ToArray());

    /// <summary>"3 host(s) of group g in /srv/inventory.yml, through Ansible", or "3 host(s) of /srv/agent-hosts.json".</summary>
    public static string? Source(AgentSettings agents, int hosts) =>
        agents.InventorySource is { } inventory ? $"{inventory.Describe(hosts)}, through Ansible"
        : agents.HostsFile is { } file ? $"{hosts} host(s) of {file}{(agents.Engine == AgentEngine.Ansible ? ", through Ansible" : ", over the built-in SSH rollout")}"
        : null;
}
