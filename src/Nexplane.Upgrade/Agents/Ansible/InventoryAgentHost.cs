namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// A host of the operator's inventory group as its variables describe the agent on it. The platform is known only when
/// <c>nexplane_agent_platform</c> names it; otherwise the host itself says (<see cref="AnsibleInventoryProbe"/>).
/// </summary>
/// <param name="InventoryHostname">The host's name in the inventory, as Ansible targets it.</param>
/// <param name="Name">The agent's registered name (<c>nexplane_agent_name</c>, else the inventory name).</param>
/// <param name="Sudo">The operator's own <c>ansible_become</c>: the playbook's commands then run through it.</param>
public sealed record InventoryAgentHost(string InventoryHostname, string Name, string BinaryPath, string Service, bool Canary, bool Sudo,
    AgentPlatform? Platform)
{
    /// <summary>The host the engines act on, once its platform is known. No SSH field: Ansible reaches it the operator's way.</summary>
    public AgentHost ToAgentHost(AgentPlatform platform) => new()
    {
        Name = Name,
        InventoryHostname = InventoryHostname,
        Platform = platform,
        BinaryPath = BinaryPath,
        Service = Service,
        Canary = Canary,
        Sudo = Sudo,
    };
}
