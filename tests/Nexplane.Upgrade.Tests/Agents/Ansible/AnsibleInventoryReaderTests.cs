using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>The operator's inventory group as <c>ansible-inventory --list</c> prints it, read into the hosts to upgrade.</summary>
public sealed class AnsibleInventoryReaderTests
{
    static readonly AnsibleInventorySource Source = new("/srv/ansible/inventory.yml", "nexplane_agents");

    /// <summary>What ansible-inventory 2.14 prints for a group with a nested child and a host outside it (group vars merged into hostvars).</summary>
    const string Listing = """
        {
          "_meta": { "hostvars": {
            "web-01": { "ansible_host": "10.0.0.5", "ansible_become": "yes", "ansible_become_password": "s3cret" },
            "web-02": { "nexplane_agent_name": "web-02.prod", "nexplane_agent_binary_path": "/opt/nexplane/agent",
                        "nexplane_agent_service": "agent.service", "nexplane_agent_platform": "linux-arm64", "nexplane_agent_canary": true },
            "db-01": { "ansible_host": "10.0.0.9" }
          } },
          "all": { "children": ["ungrouped", "nexplane_agents", "databases"] },
          "nexplane_agents": { "hosts": ["web-01"], "children": ["rack_b"] },
          "rack_b": { "hosts": ["web-02", "web-03"], "children": ["rack_c"] },
          "rack_c": { "hosts": ["web-01", "web-04"] },
          "databases": { "hosts": ["db-01"] }
        }
        """;

    [Fact]
    public void A_group_gives_its_own_hosts_then_its_childrens_recursively_each_once_and_nothing_outside_it()
    {
        var hosts = AnsibleInventoryReader.Parse(Listing, Source);

        Assert.Equal(["web-01", "web-02", "web-03", "web-04"], hosts.Select(h => h.InventoryHostname));
    }

    [Fact]
    public void Each_host_takes_its_agent_variables_and_the_operators_become_and_defaults_fill_the_rest()
    {
        var hosts = AnsibleInventoryReader.Parse(Listing, Source).ToDictionary(h => h.InventoryHostname);

        Assert.Equal(new InventoryAgentHost("web-01", "web-01", "/usr/local/bin/nexplane-agent", "nexplane-agent.service", Canary: false, Sudo: true, Platform: null),
            hosts["web-01"]);
        Assert.Equal(new InventoryAgentHost("web-02", "web-02.prod", "/opt/nexplane/agent", "agent.service", Canary: true, Sudo: false, AgentPlatform.LinuxArm64),
            hosts["web-02"]);
        // A host without any variable at all is listed in no hostvars: all defaults.
        Assert.Equal(new InventoryAgentHost("web-03", "web-03", "/usr/local/bin/nexplane-agent", "nexplane-agent.service", false, false, null), hosts["web-03"]);
    }

    [Fact]
    public void A_group_the_inventory_lacks_is_refused_naming_the_groups_it_has()
    {
        var exception = Assert.Throws<AnsibleInventoryException>(() => AnsibleInventoryReader.Parse(Listing, Source with { Group = "agents" }));

        Assert.Equal("The Ansible inventory /srv/ansible/inventory.yml has no group 'agents' (its groups: all, databases, nexplane_agents, rack_b, rack_c). " +
                     "Name the group whose hosts run a Nexplane agent with --agent-inventory-group.", exception.Message);
    }

    [Fact]
    public void A_group_without_hosts_even_in_its_children_is_refused()
    {
        const string listing = """{ "_meta": { "hostvars": {} }, "all": { "children": ["ungrouped", "agents"] }, "agents": { "children": ["empty"] }, "empty": {} }""";

        var exception = Assert.Throws<AnsibleInventoryException>(() => AnsibleInventoryReader.Parse(listing, Source with { Group = "agents" }));

        Assert.Equal("The group 'agents' of the Ansible inventory /srv/ansible/inventory.yml has no hosts (nor have its children).", exception.Message);
    }

    [Fact]
    public void Every_problem_of_the_group_is_named_at_once_a_template_a_relative_path_an_unknown_platform_and_two_hosts_registering_alike()
    {
        const string listing = """
            { "_meta": { "hostvars": {
                "a": { "nexplane_agent_name": "{{ inventory_hostname }}.prod" },
                "b": { "nexplane_agent_binary_path": "bin/agent", "nexplane_agent_platform": "solaris-sparc", "nexplane_agent_name": "same" },
                "c": { "nexplane_agent_name": "same" } } },
              "agents": { "hosts": ["a", "b", "c"] } }
            """;

        var exception = Assert.Throws<AnsibleInventoryException>(() => AnsibleInventoryReader.Parse(listing, Source with { Group = "agents" }));

        Assert.Contains("has 4 problem(s)", exception.Message);
        Assert.Contains("a: nexplane_agent_name is a template ({{ inventory_hostname }}.prod)", exception.Message);
        Assert.Contains("b: nexplane_agent_binary_path must be absolute, got 'bin/agent'", exception.Message);
        Assert.Contains("b: nexplane_agent_platform 'solaris-sparc' is not one Nexplane ships", exception.Message);
        Assert.Contains("b, c all register as agent 'same'", exception.Message);
    }

    [Fact]
    public void A_host_whose_inventory_sets_what_only_the_upgrade_sets_is_refused_its_host_vars_would_replace_the_verified_binary()
    {
        // host_vars rank above the run's vars inventory: these would replace the binary and the checksum it is checked against.
        const string listing = """
            { "_meta": { "hostvars": {
                "a": { "nexplane_agent_binary": "/tmp/other-agent", "nexplane_agent_sha256": "0000" },
                "b": { "nexplane_agent_old_version": "0.1.0" } } },
              "agents": { "hosts": ["a", "b"] } }
            """;

        var exception = Assert.Throws<AnsibleInventoryException>(() => AnsibleInventoryReader.Parse(listing, Source with { Group = "agents" }));

        Assert.Contains("has 3 problem(s)", exception.Message);
        Assert.Contains("a: nexplane_agent_binary is set by the inventory, but only the upgrade may set it", exception.Message);
        Assert.Contains("a: nexplane_agent_sha256 is set by the inventory", exception.Message);
        Assert.Contains("b: nexplane_agent_old_version is set by the inventory", exception.Message);
    }

    [Fact]
    public async Task A_failing_listing_repeats_only_Ansibles_headlines_never_the_inventory_lines_it_quotes()
    {
        const string standardError = """
            ERROR! Syntax Error while loading YAML.
              did not find expected key
            The offending line appears to be:
                ansible_become_password: s3cret-become
                ^ here
            """;
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(ExitCode: 1, StandardError: standardError));

        var exception = await Assert.ThrowsAsync<AnsibleInventoryException>(() => AnsibleInventoryReader.ReadAsync(commands, Source, CancellationToken.None));

        Assert.Contains("--list failed (exit 1): ERROR! Syntax Error while loading YAML.", exception.Message);
        Assert.DoesNotContain("s3cret-become", exception.Message);
        Assert.DoesNotContain("offending", exception.Message);
        Assert.Contains("run ansible-inventory -i /srv/ansible/inventory.yml --list yourself for the whole message", exception.Message);
    }

    [Fact]
    public void A_group_named_like_the_tools_own_rollout_group_is_refused_it_would_merge_with_it()
    {
        const string listing = """{ "agents": { "hosts": ["a"] }, "nexplane_upgrade_rollout": { "hosts": ["a"] } }""";

        var exception = Assert.Throws<AnsibleInventoryException>(() => AnsibleInventoryReader.Parse(listing, Source with { Group = "agents" }));

        Assert.Contains("has a group 'nexplane_upgrade_rollout'", exception.Message);
    }

    [Fact]
    public void The_inventory_is_listed_by_Ansible_itself_in_its_own_directory_so_the_operators_ansible_cfg_there_applies()
    {
        var command = AnsibleInventoryReader.ListCommand(Source);

        Assert.Equal("ansible-inventory", command.Program);
        Assert.Equal(["-i", "/srv/ansible/inventory.yml", "--list"], command.Arguments);
        Assert.Equal("/srv/ansible", command.WorkingDirectory);
    }
}
