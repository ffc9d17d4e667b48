using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>The inventory's hosts asked through Ansible before anything changes: reachable their way, the agent there and running.</summary>
public sealed class AnsibleInventoryProbeTests
{
    static readonly AnsibleInventorySource Source = new("/srv/ansible/inventory.yml", "nexplane_agents");

    static InventoryAgentHost Listed(string name, AgentPlatform? platform = null) =>
        new(name, name, "/usr/local/bin/nexplane-agent", "nexplane-agent.service", false, false, platform);

    static AnsibleProbeAnswer Running(string machine = "x86_64") => new(machine, true, "active", null);

    [Fact]
    public void The_probe_is_one_ad_hoc_run_on_the_operators_group_with_the_tree_callback_and_no_secret()
    {
        var command = AnsibleInventoryProbe.Command(Source, "/state/preflight/results");

        Assert.Equal("ansible", command.Program);
        Assert.Equal(["-i", "/srv/ansible/inventory.yml", "nexplane_agents", "-m", "ansible.builtin.shell", "-a", AnsibleInventoryProbe.Script], command.Arguments);
        Assert.Equal("/srv/ansible", command.WorkingDirectory);
        Assert.Equal("tree", command.Environment["ANSIBLE_CALLBACKS_ENABLED"]);
        Assert.Equal("1", command.Environment["ANSIBLE_LOAD_CALLBACK_PLUGINS"]);
        Assert.Equal("/state/preflight/results", command.Environment["ANSIBLE_CALLBACK_TREE_DIR"]);
        Assert.DoesNotContain("ANSIBLE_CONFIG", command.Environment.Keys);
    }

    [Fact]
    public void A_host_answer_is_read_from_its_tree_file_and_an_unreachable_one_says_why()
    {
        Assert.Equal(new AnsibleProbeAnswer("aarch64", true, "active", null),
            AnsibleInventoryProbe.ReadAnswer("""{"changed": true, "rc": 0, "stdout": "machine=aarch64\nbinary=present\nservice=active"}"""));
        Assert.Equal(new AnsibleProbeAnswer("x86_64", false, "inactive", null),
            AnsibleInventoryProbe.ReadAnswer("""{"rc": 0, "stdout": "machine=x86_64\nbinary=missing\nservice=inactive"}"""));
        Assert.Equal("unreachable: Failed to connect to the host via ssh: Connection timed out",
            AnsibleInventoryProbe.ReadAnswer("""{"unreachable": true, "msg": "Failed to connect to the host via ssh: Connection timed out"}""").Failure);
        Assert.Equal("failed: sudo: a password is required",
            AnsibleInventoryProbe.ReadAnswer("""{"failed": true, "msg": "sudo: a password is required"}""").Failure);
    }

    [Fact]
    public void The_platform_comes_from_the_inventory_else_from_the_host_and_the_hosts_keep_their_inventory_names()
    {
        var (hosts, problems) = AnsibleInventoryProbe.Judge([Listed("web-01"), Listed("web-02", AgentPlatform.LinuxArm64)],
            new Dictionary<string, AnsibleProbeAnswer> { ["web-01"] = Running(), ["web-02"] = Running("aarch64") }, forUpgrade: true);

        Assert.Empty(problems);
        Assert.Equal([("web-01", AgentPlatform.LinuxAmd64), ("web-02", AgentPlatform.LinuxArm64)], hosts.Select(h => (h.InventoryHostname!, h.Platform)));
    }

    [Fact]
    public void An_unreachable_host_a_silent_one_a_wrong_platform_a_missing_binary_and_a_stopped_service_each_refuse_the_upgrade()
    {
        var (hosts, problems) = AnsibleInventoryProbe.Judge(
            [Listed("a"), Listed("b"), Listed("c", AgentPlatform.LinuxArm64), Listed("d"), Listed("e"), Listed("f")],
            new Dictionary<string, AnsibleProbeAnswer>
            {
                ["a"] = new(null, false, "", "unreachable: Connection timed out"),
                ["c"] = Running(),
                ["d"] = new("x86_64", false, "active", null),
                ["e"] = new("x86_64", true, "inactive", null),
                ["f"] = Running("riscv64"),
            }, forUpgrade: true);

        Assert.Equal([
            "a cannot be reached through Ansible with the inventory's settings (unreachable: Connection timed out); nothing was done on it",
            "b did not answer Ansible (no result); check it with: ansible -i <inventory> b -m ansible.builtin.ping",
            "c reports machine 'x86_64' (linux-amd64), but nexplane_agent_platform says linux-arm64.",
            "d has no agent binary at /usr/local/bin/nexplane-agent (or it needs ansible_become). Fix nexplane_agent_binary_path in the inventory.",
            "e: the service nexplane-agent.service is not running (inactive). Start it, or fix nexplane_agent_service in the inventory, before upgrading.",
            "f reports machine 'riscv64', for which Nexplane ships no agent; set nexplane_agent_platform or take it out of the group.",
        ], problems);
        Assert.Equal(["d", "e"], hosts.Select(h => h.Name));
    }

    [Fact]
    public void A_rollback_asks_only_that_the_host_is_reachable_its_agent_may_be_stopped()
    {
        var (hosts, problems) = AnsibleInventoryProbe.Judge([Listed("web-01")],
            new Dictionary<string, AnsibleProbeAnswer> { ["web-01"] = new("x86_64", true, "failed", null) }, forUpgrade: false);

        Assert.Empty(problems);
        Assert.Equal("web-01", Assert.Single(hosts).Name);
    }
}
