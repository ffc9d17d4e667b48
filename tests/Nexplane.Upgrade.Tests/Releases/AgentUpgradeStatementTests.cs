using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class AgentUpgradeStatementTests
{
    [Theory]
    [InlineData("Agents must be upgraded to 0.5.0.")]
    [InlineData("Upgrade your agents after the control plane is healthy.")]
    [InlineData("This release requires an agent upgrade.")]
    [InlineData("Agents older than 0.5.0 must be upgraded, or they will not report compliance.")]
    public void A_sentence_that_demands_an_agent_upgrade_requires_one(string sentence)
    {
        Assert.True(AgentUpgradeStatement.Requires(sentence));
    }

    [Theory]
    [InlineData("Agents do not need to be upgraded for this release.")]
    [InlineData("No agent upgrade required.")]
    [InlineData("Agents: upgrade not required")]
    [InlineData("You don't need to upgrade your agents.")]
    [InlineData("Upgrading the agents is optional.")]
    [InlineData("Agents upgrade themselves when they restart.")]
    [InlineData("The control plane must be upgraded first.")]
    public void A_sentence_that_denies_or_does_not_demand_an_agent_upgrade_requires_none(string sentence)
    {
        Assert.False(AgentUpgradeStatement.Requires(sentence));
    }
}
