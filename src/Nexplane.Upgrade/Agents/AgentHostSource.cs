using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// Which parameters may name the agent hosts: the agent hosts file (either engine), or a group of the operator's Ansible
/// inventory (the Ansible engine only: the built-in engine has no way to read one). Checked with the other parameters,
/// before anything changes.
/// </summary>
public static class AgentHostSource
{
    public static IEnumerable<string> Problems(AgentSettings agents, OperatorAdvice advice)
    {
        string Flag(Setting setting) => advice.Flag(setting);
        if (agents.Inventory is null)
        {
            if (agents.InventoryGroup is not null)
                yield return $"{Flag(Setting.AgentInventoryGroup)} names a group of an Ansible inventory, but no {Flag(Setting.AgentInventory)} <inventory> is given.";
            yield break;
        }
        if (agents.Engine != AgentEngine.Ansible)
            yield return $"{Flag(Setting.AgentInventory)} is read by Ansible: add {Flag(Setting.AgentEngine)} Ansible, or name the hosts with {Flag(Setting.AgentHostsFile)} for the built-in engine.";
        if (agents.HostsFile is not null)
            yield return $"{Flag(Setting.AgentHostsFile)} and {Flag(Setting.AgentInventory)} both name the agent hosts; give one of them.";
        if (string.IsNullOrWhiteSpace(agents.InventoryGroup))
            yield return $"{Flag(Setting.AgentInventory)} needs {Flag(Setting.AgentInventoryGroup)} <group>: the group of the inventory whose hosts run a Nexplane agent.";
        if (!File.Exists(agents.Inventory) && !Directory.Exists(agents.Inventory))
            yield return $"{Flag(Setting.AgentInventory)} '{agents.Inventory}' does not exist.";
    }
}
