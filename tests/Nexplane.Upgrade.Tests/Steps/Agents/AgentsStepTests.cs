using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Tests.Runs;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Agents;

/// <summary>The Agents step as it judges what the hosts and the control plane answer, given as data.</summary>
public sealed class AgentsStepTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("agents-step-").FullName;
    readonly RecordedOutput _output = new();
    readonly List<AgentsResult> _kept = [];
    static readonly NexplaneVersion Target = NexplaneVersion.Parse("0.4.0");
    static readonly AgentsSettings Settings = new(WaveSize: 5, RerunAdvice: "Rerun the agents alone");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static AgentHost Host(string name) => new() { Name = name, Local = true, Platform = AgentPlatform.LinuxAmd64 };

    static AgentsInput Input(params string[] names) => new(names.Select(Host).ToArray(), Target, Settings);

    Task<AgentsResult> RunAsync(AgentsInput input, RecordedAgentHosts agents) =>
        new AgentsStep(_output).RunAsync(input, agents, _kept.Add, CancellationToken.None);

    [Fact]
    public async Task Every_host_on_the_target_is_a_result_with_a_summary_and_no_failure()
    {
        var result = await RunAsync(Input("web-01", "web-02"), new RecordedAgentHosts([]));

        Assert.Equal(["web-01", "web-02"], result.Outcomes.Select(o => o.Host));
        Assert.Equal(["web-01", "web-02"], result.Moved.Select(o => o.Host));
        Assert.Contains("INF Agents: upgrading 2 host(s) to 0.4.0, canary first, then waves of 5", _output.Lines);
        Assert.Equal("2 Upgraded", _output.Summary["Agents"]);
        Assert.Same(result, Assert.Single(_kept));
    }

    [Fact]
    public async Task A_host_left_behind_fails_the_step_with_the_rerun_advice_after_the_outcomes_are_kept()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RunAsync(Input("web-01", "web-02"), new RecordedAgentHosts([], "web-02")));

        Assert.Contains("1 of 2 agent host(s) are not on 0.4.0; the control plane stays upgraded and healthy", exception.Message);
        Assert.Contains("Rerun the agents alone, or upgrade these hosts by hand:", exception.Message);
        Assert.EndsWith("  web-02: NotChanged (done)", exception.Message);
        var kept = Assert.Single(_kept);
        Assert.Equal(["web-01"], kept.Moved.Select(o => o.Host));
        Assert.Equal(["web-02"], kept.LeftBehind.Select(o => o.Host));
        Assert.Equal("1 Upgraded, 1 NotChanged", _output.Summary["Agents"]);
    }

    [Fact]
    public async Task The_Ansible_engine_runs_the_whole_rollout_once_and_its_outcomes_are_kept_with_the_engine()
    {
        var agents = new RecordedAgentHosts([], "web-02");
        var input = Input("web-01", "web-02", "web-03") with { Settings = Settings with { Engine = AgentEngine.Ansible } };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(input, agents));

        Assert.Equal(["ansible-playbook web-01, web-02, web-03 in batches of 5"], agents.Calls.Where(c => c != "list agents"));
        Assert.Contains("  web-02: RolledBack (done)", exception.Message);
        var kept = Assert.Single(_kept);
        Assert.Equal(AgentEngine.Ansible, kept.Engine);
        Assert.Equal(["web-01"], kept.Moved.Select(o => o.Host));
        Assert.Equal(["web-02", "web-03"], kept.LeftBehind.Select(o => o.Host));
        Assert.Contains("INF Agents: upgrading 3 host(s) to 0.4.0, canary first, then waves of 5, through Ansible", _output.Lines);
        Assert.Contains("INF   web-02: RolledBack, done (0.0 s)", _output.Lines);
    }

    [Fact]
    public async Task Hosts_of_an_inventory_group_are_kept_with_their_source_and_said_to_come_from_it()
    {
        var inventory = new AnsibleInventorySource("/srv/ansible/inventory.yml", "nexplane_agents");
        var input = Input("web-01") with { Settings = Settings with { Engine = AgentEngine.Ansible, Inventory = inventory } };

        await RunAsync(input, new RecordedAgentHosts([]));

        Assert.Equal(inventory, Assert.Single(_kept).Inventory);
        Assert.Contains("INF Agents: upgrading 1 host(s) to 0.4.0, canary first, then waves of 5, through Ansible, from group nexplane_agents in /srv/ansible/inventory.yml",
            _output.Lines);
    }

    [Fact]
    public void Hosts_of_an_inventory_group_Ansible_cannot_reach_refuse_the_step_alone_before_any_host_is_touched()
    {
        var inventory = new AnsibleInventorySource("/srv/ansible/inventory.yml", "nexplane_agents");

        var exception = Assert.Throws<InvalidOperationException>(() =>
            AgentsStep.HostsOfInventory(inventory, new([], ["web-02 cannot be reached through Ansible with the inventory's settings (unreachable: timed out)"])));

        Assert.Equal("The agent hosts of group nexplane_agents in /srv/ansible/inventory.yml cannot be upgraded; no agent host was touched:" + Environment.NewLine +
                     "  web-02 cannot be reached through Ansible with the inventory's settings (unreachable: timed out)", exception.Message);
    }

    [Fact]
    public async Task A_failed_login_touches_no_host()
    {
        var agents = new RecordedAgentHosts([]) { LoginPasses = false };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(Input("web-01"), agents));

        Assert.Equal("The agent step confirms each agent through the control plane, but the login failed: 401 Unauthorized. No agent host was touched.",
            exception.Message);
        Assert.Empty(agents.Calls);
        Assert.Empty(_kept);
    }

    [Fact]
    public async Task Registered_agents_the_hosts_file_does_not_name_are_reported_when_older()
    {
        var agents = new RecordedAgentHosts([new RegisteredAgent(1, "web-01", "linux", "0.3.0", null), new RegisteredAgent(2, "db-07", "linux", "0.3.0", null)]);

        await RunAsync(Input("web-01"), agents);

        var warning = Assert.Single(_output.Lines, line => line.StartsWith("WRN"));
        Assert.Contains("1 registered agent(s) not in the agent hosts file still run an older version", warning);
        Assert.Contains("db-07", warning);
        Assert.DoesNotContain("web-01", warning);
    }

    [Fact]
    public async Task An_unreadable_agent_list_is_a_warning_and_leaves_the_step_as_the_hosts_ended()
    {
        var agents = new RecordedAgentHosts([]) { AgentListFailure = new HttpRequestException("502 Bad Gateway") };

        var result = await RunAsync(Input("web-01"), agents);

        Assert.Equal(AgentHostResult.Upgraded, Assert.Single(result.Outcomes).Result);
        Assert.Contains("WRN Agents: the agent list could not be read (502 Bad Gateway); agents outside the file are not reported", _output.Lines);
    }

    [Fact]
    public async Task The_hosts_that_moved_are_kept_and_an_agent_list_that_then_times_out_is_only_a_warning()
    {
        // HttpClient's timeout is a TaskCanceledException: the report of agents outside the file is lost, not the step.
        var agents = new RecordedAgentHosts([]) { AgentListFailure = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout") };

        var result = await RunAsync(Input("web-01", "web-02"), agents);

        Assert.Equal(["web-01", "web-02"], Assert.Single(_kept).Moved.Select(o => o.Host));
        Assert.All(result.Outcomes, outcome => Assert.Equal(AgentHostResult.Upgraded, outcome.Result));
        Assert.Contains(_output.Lines, line => line.StartsWith("WRN Agents: the agent list could not be read (The request was canceled"));
    }

    [Fact]
    public void The_hosts_Preflight_checked_are_the_ones_upgraded_without_reading_the_file_again()
    {
        var checkedHosts = new[] { Host("web-01") };

        Assert.Same(checkedHosts, AgentsStep.HostsToUpgrade(checkedHosts, Path.Combine(_directory, "missing.json"), TestAdvice.Nuke));
    }

    [Fact]
    public void Without_Preflight_s_hosts_the_hosts_file_is_read_again()
    {
        var file = Path.Combine(_directory, "agent-hosts.json");
        File.WriteAllText(file, """{ "hosts": [ { "name": "web-01", "connection": "local", "platform": "linux-amd64" } ] }""");

        Assert.Equal(["web-01"], AgentsStep.HostsToUpgrade([], file, TestAdvice.Nuke).Select(h => h.Name));
    }

    [Fact]
    public void Without_Preflight_s_hosts_or_a_hosts_file_the_step_says_which_flag_is_missing()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => AgentsStep.HostsToUpgrade([], null, TestAdvice.Nuke));

        Assert.Equal("The release requires an agent upgrade, but no --agent-hosts-file is given (or pass --skip-agents).", exception.Message);
    }
}
