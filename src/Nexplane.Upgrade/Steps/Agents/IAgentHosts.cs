using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>What the Agents step does to the agent hosts, one host at a time; tests record the calls instead of making them.</summary>
public interface IAgentHosts : IControlPlane
{
    /// <summary>The verified binary of each platform the hosts run: those already <paramref name="verified"/>, else downloaded and verified.</summary>
    Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> BinariesAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyList<AgentBinary> verified,
        Releases.NexplaneVersion target, CancellationToken cancellationToken);

    /// <summary>Replaces one host's binary (keeping the old one) and waits for it to register on the new version.</summary>
    Task<AgentHostOutcome> UpgradeAgentAsync(AgentHost host, AgentBinary binary, string token, CancellationToken cancellationToken);

    /// <summary>
    /// The whole rollout through ansible-playbook (<c>--agent-engine Ansible</c>): canary, then batches of
    /// <paramref name="waveSize"/>, stopping at the first failed host; each host's outcome, in rollout order.
    /// </summary>
    Task<IReadOnlyList<AgentHostOutcome>> UpgradeAgentsWithAnsibleAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyDictionary<AgentPlatform, AgentBinary> binaries,
        Releases.NexplaneVersion target, int waveSize, string token, CancellationToken cancellationToken);
}
