using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Steps.Agents;

namespace Nexplane.Upgrade.Tests.Steps.Agents;

/// <summary>The dry run's Agents line says where the hosts come from before the canary and the waves.</summary>
public sealed class AgentsDryRunTests
{
    static AgentHost Host(string name) => new() { Name = name, InventoryHostname = name, Platform = AgentPlatform.LinuxAmd64 };

    [Fact]
    public void Hosts_of_an_inventory_group_are_said_to_come_from_it_through_Ansible()
    {
        var agents = new AgentSettings { Engine = AgentEngine.Ansible, Inventory = "/srv/ansible/inventory.yml", InventoryGroup = "nexplane_agents" };

        var plan = AgentsDryRun.Plan(null, [[Host("web-01")], [Host("web-02"), Host("web-03")]], AgentsDryRun.Source(agents, 3));

        Assert.Equal(["hosts: 3 host(s) of group nexplane_agents in /srv/ansible/inventory.yml, through Ansible",
                      "canary: web-01 (Ansible inventory)", "wave 1 of 1: web-02 (Ansible inventory), web-03 (Ansible inventory)"], plan.Details);
    }

    [Fact]
    public void Hosts_of_the_hosts_file_name_the_file_and_the_engine()
    {
        Assert.Equal("2 host(s) of /srv/agent-hosts.json, through Ansible",
            AgentsDryRun.Source(new AgentSettings { HostsFile = "/srv/agent-hosts.json", Engine = AgentEngine.Ansible }, 2));
        Assert.Equal("2 host(s) of /srv/agent-hosts.json, over the built-in SSH rollout",
            AgentsDryRun.Source(new AgentSettings { HostsFile = "/srv/agent-hosts.json" }, 2));
    }
}
