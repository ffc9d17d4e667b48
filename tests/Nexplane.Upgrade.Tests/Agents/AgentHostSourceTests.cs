using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Agents;

/// <summary>Which parameters may name the agent hosts, checked before anything changes.</summary>
public sealed class AgentHostSourceTests : IDisposable
{
    readonly string _inventory = Path.Combine(Directory.CreateTempSubdirectory("nexplane-inventory-").FullName, "inventory.yml");

    public AgentHostSourceTests() => File.WriteAllText(_inventory, "all: {}\n");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_inventory)!, recursive: true);

    IReadOnlyList<string> Problems(AgentSettings settings) => AgentHostSource.Problems(settings, TestAdvice.Nuke).ToArray();

    [Fact]
    public void An_inventory_and_its_group_with_the_Ansible_engine_are_accepted()
    {
        Assert.Empty(Problems(new AgentSettings { Engine = AgentEngine.Ansible, Inventory = _inventory, InventoryGroup = "nexplane_agents" }));
        Assert.Empty(Problems(new AgentSettings { HostsFile = "/srv/agent-hosts.json" }));
    }

    [Fact]
    public void An_inventory_with_the_built_in_engine_is_refused_it_cannot_read_one()
    {
        Assert.Equal(["--agent-inventory is read by Ansible: add --agent-engine Ansible, or name the hosts with --agent-hosts-file for the built-in engine."],
            Problems(new AgentSettings { Inventory = _inventory, InventoryGroup = "nexplane_agents" }));
    }

    [Fact]
    public void An_inventory_without_a_group_and_a_group_without_an_inventory_are_refused()
    {
        Assert.Equal(["--agent-inventory needs --agent-inventory-group <group>: the group of the inventory whose hosts run a Nexplane agent."],
            Problems(new AgentSettings { Engine = AgentEngine.Ansible, Inventory = _inventory }));
        Assert.Equal(["--agent-inventory-group names a group of an Ansible inventory, but no --agent-inventory <inventory> is given."],
            Problems(new AgentSettings { Engine = AgentEngine.Ansible, InventoryGroup = "nexplane_agents" }));
    }

    [Fact]
    public void The_hosts_file_and_an_inventory_together_are_refused_and_every_problem_is_named_at_once()
    {
        var problems = Problems(new AgentSettings { HostsFile = "/srv/agent-hosts.json", Inventory = "/nowhere/inventory.yml" });

        Assert.Equal(4, problems.Count);
        Assert.Contains("--agent-hosts-file and --agent-inventory both name the agent hosts; give one of them.", problems);
        Assert.Contains("--agent-inventory '/nowhere/inventory.yml' does not exist.", problems);
    }
}
