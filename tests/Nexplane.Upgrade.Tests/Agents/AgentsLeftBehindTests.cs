using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Tests.Agents;

public sealed class AgentsLeftBehindTests
{
    static AgentHostOutcome Outcome(string host, AgentHostResult result) => new(host, result, "0.3.0", "0.4.0", "", 1);

    [Fact]
    public void Failed_hosts_are_named_with_what_became_of_them_and_the_hosts_never_attempted_are_counted()
    {
        AgentHostOutcome[] outcomes =
        [
            Outcome("fleet-001", AgentHostResult.Upgraded), Outcome("fleet-002", AgentHostResult.AlreadyCurrent),
            Outcome("fleet-003", AgentHostResult.RolledBack), Outcome("fleet-004", AgentHostResult.NeedsHuman),
            Outcome("fleet-005", AgentHostResult.NotChanged), Outcome("fleet-006", AgentHostResult.NotAttempted),
            Outcome("fleet-007", AgentHostResult.NotAttempted),
        ];

        Assert.Equal("fleet-003 rolled back, fleet-004 needs a human, fleet-005 not changed, 2 not attempted", AgentsLeftBehind.Describe(outcomes));
    }

    [Fact]
    public void A_fleet_wide_failure_names_ten_hosts_and_counts_the_rest()
    {
        var outcomes = Enumerable.Range(1, 25).Select(n => Outcome($"fleet-{n:000}", AgentHostResult.NotChanged));

        var described = AgentsLeftBehind.Describe(outcomes);

        Assert.StartsWith("fleet-001 not changed, fleet-002 not changed,", described);
        Assert.EndsWith("fleet-010 not changed, 15 more failed", described);
    }

    [Fact]
    public void Nothing_is_said_when_every_host_is_on_the_new_version() =>
        Assert.Equal("", AgentsLeftBehind.Describe([Outcome("fleet-001", AgentHostResult.Upgraded)]));
}
