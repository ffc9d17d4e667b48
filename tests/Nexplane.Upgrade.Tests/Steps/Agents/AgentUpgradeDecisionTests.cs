using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Steps.Agents;

namespace Nexplane.Upgrade.Tests.Steps.Agents;

/// <summary>Whether a run upgrades the agents: the build's conditions, Verify's advice and the dry run all read this.</summary>
public sealed class AgentUpgradeDecisionTests
{
    [Theory]
    [InlineData(false, false, false, AgentUpgradeDecision.NotRequired)]
    [InlineData(false, false, true, AgentUpgradeDecision.NotRequired)]
    [InlineData(true, false, false, AgentUpgradeDecision.Upgrade)]
    [InlineData(false, true, false, AgentUpgradeDecision.Upgrade)]
    [InlineData(true, false, true, AgentUpgradeDecision.LeftToOperator)]
    [InlineData(false, true, true, AgentUpgradeDecision.LeftToOperator)]
    public void Required_or_asked_for_it_upgrades_unless_left_to_the_operator(bool requiredByReleaseNotes, bool upgradeAgents, bool skipAgents,
        AgentUpgradeDecision expected)
    {
        var settings = new AgentSettings { UpgradeRequested = upgradeAgents, Skip = skipAgents };

        Assert.Equal(expected, AgentUpgrade.Decide(requiredByReleaseNotes, settings));
    }
}
