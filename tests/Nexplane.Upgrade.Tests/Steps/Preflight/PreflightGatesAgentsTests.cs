using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The agents' gates: a required agent upgrade must be possible before the control plane goes down.</summary>
public sealed class PreflightGatesAgentsTests
{
    static readonly UpgradePath NotesRequireAgents = new(V("0.2.0"), V("0.4.0"), [Release("0.3.0", agentUpgrade: true), Release("0.4.0", agentUpgrade: true)]);

    static readonly UpgradePath NoAgentUpgrade = new(V("0.2.0"), V("0.3.0"), [Release("0.3.0")]);

    [Fact]
    public void A_stop_whose_notes_demand_an_agent_upgrade_is_said_the_agents_move_once_to_the_target()
    {
        var throughAStop = NotesRequireAgents with { Stops = [V("0.3.0")] };

        var notice = Assert.Single(PreflightGates.AgentsAtAStop(throughAStop));

        Assert.Equal("0.3.0's release notes require an agent upgrade, and 0.3.0 is a stop on this path: the agents move once, to 0.4.0, " +
                     "when the whole path is done, not at 0.3.0.", notice);
        Assert.Empty(PreflightGates.AgentsAtAStop(NotesRequireAgents));
    }

    [Fact]
    public void The_release_notes_or_the_operators_flag_make_an_agent_upgrade_due()
    {
        Assert.Equal("the release notes of 0.3.0, 0.4.0 require an agent upgrade", PreflightGates.AgentUpgradeReason(NotesRequireAgents, new AgentSettings(), TestAdvice.Nuke));
        Assert.Equal("--upgrade-agents was given", PreflightGates.AgentUpgradeReason(NoAgentUpgrade, new AgentSettings { UpgradeRequested = true }, TestAdvice.Nuke));
        Assert.Null(PreflightGates.AgentUpgradeReason(NoAgentUpgrade, new AgentSettings(), TestAdvice.Nuke));
        Assert.Null(PreflightGates.AgentUpgradeReason(null, new AgentSettings { UpgradeRequested = true }, TestAdvice.Nuke));
    }

    [Fact]
    public void The_hosts_are_checked_only_when_an_upgrade_is_due_the_tool_does_it_and_they_are_named()
    {
        Assert.True(PreflightGates.ChecksAgentHosts("due", new AgentSettings { HostsFile = "hosts.yml" }));
        Assert.False(PreflightGates.ChecksAgentHosts(null, new AgentSettings { HostsFile = "hosts.yml" }));
        Assert.False(PreflightGates.ChecksAgentHosts("due", new AgentSettings { HostsFile = "hosts.yml", Skip = true }));
        // An inventory group names the hosts as well as a hosts file does.
        Assert.True(PreflightGates.ChecksAgentHosts("due", new AgentSettings { Engine = AgentEngine.Ansible, Inventory = "inventory.yml", InventoryGroup = "agents" }));
        Assert.False(PreflightGates.ChecksAgentHosts("due", new AgentSettings()));
    }

    [Fact]
    public void An_agent_upgrade_without_hosts_is_refused_with_every_way_forward()
    {
        var failure = Assert.Single(PreflightGates.Agents("the release notes of 0.3.0 require an agent upgrade", new AgentSettings(), null, TestAdvice.Nuke));

        Assert.Equal("agents", failure.Gate);
        Assert.Equal("The release notes of 0.3.0 require an agent upgrade, but no agent hosts are given. Name the hosts to upgrade with " +
                     "--agent-hosts-file <file> (see docs/runbook-steps.md, Agents), or with --agent-engine Ansible --agent-inventory <inventory> " +
                     "--agent-inventory-group <group>, or pass --skip-agents to upgrade the agents by hand afterwards.",
            failure.Message);
    }

    [Fact]
    public void The_hosts_own_problems_are_the_agents_gates()
    {
        var checkedHosts = new AgentPreflightResult([], [], ["edge-1 does not answer over SSH", "edge-2 has no nexplane-agent.service"], []);

        var failures = PreflightGates.Agents("due", new AgentSettings { HostsFile = "hosts.yml" }, checkedHosts, TestAdvice.Nuke).ToArray();

        Assert.Equal(["edge-1 does not answer over SSH", "edge-2 has no nexplane-agent.service"], failures.Select(f => f.Message));
        Assert.All(failures, f => Assert.Equal("agents", f.Gate));
    }

    [Fact]
    public void No_agent_upgrade_or_one_left_to_the_operator_refuses_nothing()
    {
        Assert.Empty(PreflightGates.Agents(null, new AgentSettings(), null, TestAdvice.Nuke));
        Assert.Empty(PreflightGates.Agents("due", new AgentSettings { Skip = true }, null, TestAdvice.Nuke));
    }

    [Fact]
    public void An_agent_upgrade_left_to_the_operator_says_what_to_do_by_hand()
    {
        var notice = Assert.Single(PreflightGates.AgentNotices("--upgrade-agents was given", new AgentSettings { Skip = true }, V("0.3.0"), TestAdvice.Nuke));

        Assert.Equal("Agents: --upgrade-agents was given, and --skip-agents leaves it to you: after the upgrade, replace each agent with " +
                     "nexplane-agent-<platform>-0.3.0 from release v0.3.0 (check its .sha256) and restart its service.", notice);
        Assert.Empty(PreflightGates.AgentNotices("due", new AgentSettings(), V("0.3.0"), TestAdvice.Nuke));
        Assert.Empty(PreflightGates.AgentNotices(null, new AgentSettings { Skip = true }, V("0.3.0"), TestAdvice.Nuke));
    }

    [Fact]
    public void A_rehearsal_says_it_leaves_the_agents_alone_whatever_the_agent_settings()
    {
        const string Rehearsed = "Agents: due; a rehearsal leaves the agents alone: the upgrade replaces them on the hosts of --agent-hosts-file, " +
                                 "or leaves them to you with --skip-agents.";

        Assert.Equal([Rehearsed], PreflightGates.AgentNotices("due", new AgentSettings { Skip = true }, V("0.3.0"), TestAdvice.Nuke, forRehearsal: true));
        Assert.Equal([Rehearsed], PreflightGates.AgentNotices("due", new AgentSettings(), V("0.3.0"), TestAdvice.Nuke, forRehearsal: true));
        Assert.Empty(PreflightGates.AgentNotices(null, new AgentSettings { Skip = true }, V("0.3.0"), TestAdvice.Nuke, forRehearsal: true));
    }
}
