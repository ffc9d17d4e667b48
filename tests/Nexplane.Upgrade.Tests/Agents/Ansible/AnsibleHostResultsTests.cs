using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>Each host's outcome read from ansible-core's tree callback files, as the Agents step reports them.</summary>
public sealed class AnsibleHostResultsTests
{
    static AgentHost Host(string name) => new() { Name = name, Address = "10.0.0.1", Platform = AgentPlatform.LinuxAmd64 };

    static readonly AgentHost[] Hosts = [Host("canary"), Host("web-02"), Host("web-03"), Host("web-04")];

    // What the tree callback writes: the debug task's message (a JSON string), the fail task's (the same), an unreachable host.
    const string Upgraded = """{"msg": "{\"result\": \"Upgraded\", \"from\": \"0.3.0\", \"to\": \"0.4.0\", \"detail\": \"registered on 0.4.0; old binary kept as /usr/local/bin/nexplane-agent.old\", \"seconds\": 2.31}", "changed": false, "_ansible_verbose_always": true}""";
    const string RolledBack = """{"msg": "{\"result\": \"RolledBack\", \"from\": \"0.3.0\", \"to\": \"0.4.0\", \"detail\": \"the agent did not register on 0.4.0 within 10 s; rolled back: the old agent registered again\", \"seconds\": 14.2, \"log\": [\"startup failed on this host\"]}", "failed": true, "changed": false}""";

    [Fact]
    public void The_hosts_of_batches_that_never_started_are_not_attempted_because_of_the_failed_host()
    {
        var lines = new List<string>();
        var outcomes = AnsibleHostResults.Read(Hosts, new Dictionary<string, string> { ["canary"] = Upgraded, ["web-02"] = RolledBack }, "0.4.0", lines.Add);

        Assert.Equal(["canary", "web-02", "web-03", "web-04"], outcomes.Select(o => o.Host));
        Assert.Equal(new AgentHostOutcome("canary", AgentHostResult.Upgraded, "0.3.0", "0.4.0",
            "registered on 0.4.0; old binary kept as /usr/local/bin/nexplane-agent.old", 2.31), outcomes[0]);
        Assert.Equal(AgentHostResult.RolledBack, outcomes[1].Result);
        Assert.Equal("0.3.0", outcomes[1].FromVersion);
        Assert.All(outcomes.Skip(2), o =>
        {
            Assert.Equal(AgentHostResult.NotAttempted, o.Result);
            Assert.Equal("not attempted: an earlier batch (web-02) failed", o.Detail);
        });
        Assert.Contains(lines, line => line.Contains("web-02: its last log lines:") && line.Contains("startup failed on this host"));
        Assert.Equal("web-02 rolled back, 2 not attempted", AgentsLeftBehind.Describe(outcomes));
    }

    [Fact]
    public void A_failed_canary_is_named_as_the_reason_the_others_were_not_attempted()
    {
        var outcomes = AnsibleHostResults.Read(Hosts, new Dictionary<string, string> { ["canary"] = RolledBack }, "0.4.0");
        Assert.Equal("not attempted: the canary (canary) failed", outcomes[3].Detail);
    }

    [Fact]
    public void An_outcome_Ansible_handed_back_as_an_object_and_a_missing_from_version_are_read()
    {
        const string asObject = """{"msg": {"result": "AlreadyCurrent", "from": "None", "to": "0.4.0", "detail": "already registered on 0.4.0", "seconds": "0.5"}}""";
        var outcome = AnsibleHostResults.Read([Host("canary")], new Dictionary<string, string> { ["canary"] = asObject }, "0.4.0").Single();
        Assert.Equal(new AgentHostOutcome("canary", AgentHostResult.AlreadyCurrent, null, "0.4.0", "already registered on 0.4.0", 0.5), outcome);
    }

    [Fact]
    public void A_host_left_unreachable_or_stopped_mid_way_needs_a_human_never_counts_as_not_changed()
    {
        const string unreachable = """{"unreachable": true, "msg": "Failed to connect to the host via ssh: Connection refused", "changed": false}""";
        const string taskError = """{"failed": true, "msg": "The task includes an option with an undefined variable."}""";
        var outcomes = AnsibleHostResults.Read(Hosts.Take(2).ToArray(),
            new Dictionary<string, string> { ["canary"] = unreachable, ["web-02"] = taskError }, "0.4.0");
        Assert.All(outcomes, o => Assert.Equal(AgentHostResult.NeedsHuman, o.Result));
        Assert.Contains("Connection refused", outcomes[0].Detail);
        Assert.Contains("undefined variable", outcomes[1].Detail);
    }

    [Fact]
    public void Nothing_reached_says_ansible_ended_before_the_hosts()
    {
        var outcomes = AnsibleHostResults.Read(Hosts, new Dictionary<string, string>(), "0.4.0");
        Assert.All(outcomes, o => Assert.Equal("not attempted: ansible-playbook ended before it reached this host", o.Detail));
    }
}
