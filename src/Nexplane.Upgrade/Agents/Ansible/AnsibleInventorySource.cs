namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// Where the agent hosts come from when the operator already drives them with Ansible (<c>--agent-inventory</c>,
/// <c>--agent-inventory-group</c>): a group of their own inventory. The journal keeps it, so a rollback reads the same
/// inventory and reaches the hosts the same way.
/// </summary>
/// <param name="Path">The inventory as <c>ansible-inventory -i</c> takes it (a file or a directory), absolute.</param>
/// <param name="Group">The group whose hosts (its children's included) run an agent.</param>
public sealed record AnsibleInventorySource(string Path, string Group)
{
    /// <summary>Ansible runs where the inventory is: an <c>ansible.cfg</c> there and relative key paths in it apply as when the operator runs Ansible.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string WorkingDirectory => Directory.Exists(Path) ? Path : System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>"3 hosts of group nexplane_agents in /srv/ansible/inventory.yml"</summary>
    public string Describe(int hosts) => $"{hosts} host(s) of group {Group} in {Path}";

    public override string ToString() => $"group {Group} in {Path}";
}
