using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Steps.Agents;

/// <summary>Whether this run upgrades the agents, and if not, why: the build's skip reason, Verify's advice and the dry run all say it.</summary>
public enum AgentUpgradeDecision
{
    /// <summary>Required (or asked for with --upgrade-agents), and not left to the operator: the Agents step runs.</summary>
    Upgrade,
    /// <summary>No release on the path requires it and the operator did not ask for it.</summary>
    NotRequired,
    /// <summary>Required or asked for, but the operator upgrades the agents by hand (--skip-agents).</summary>
    LeftToOperator,
}

/// <summary>The one place that decides <see cref="AgentUpgradeDecision"/>.</summary>
public static class AgentUpgrade
{
    /// <param name="requiredByReleaseNotes">A release note on the upgrade path requires it (Preflight's finding, or the resumed upgrade's journal).</param>
    public static AgentUpgradeDecision Decide(bool requiredByReleaseNotes, AgentSettings settings) =>
        !(requiredByReleaseNotes || settings.UpgradeRequested) ? AgentUpgradeDecision.NotRequired
        : settings.Skip ? AgentUpgradeDecision.LeftToOperator
        : AgentUpgradeDecision.Upgrade;
}
