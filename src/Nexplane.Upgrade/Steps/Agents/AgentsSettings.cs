using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>
/// What the Agents step needs to know beyond its hosts; how the hosts are reached (SSH key, timeouts, binary cache) is
/// the adapter's <see cref="Nexplane.Upgrade.Agents.AgentSettings"/>.
/// </summary>
/// <param name="WaveSize">Hosts upgraded at once after the canary.</param>
/// <param name="RerunAdvice">How to rerun the agents alone, said when a host is left behind.</param>
/// <param name="Engine">What moves the hosts: the built-in SSH rollout (<see cref="AgentRollout"/>), or ansible-playbook.</param>
/// <param name="Inventory">The operator's inventory group the hosts come from; null for the agent hosts file.</param>
public sealed record AgentsSettings(int WaveSize, string RerunAdvice, AgentEngine Engine = AgentEngine.Ssh,
    Nexplane.Upgrade.Agents.Ansible.AnsibleInventorySource? Inventory = null);
