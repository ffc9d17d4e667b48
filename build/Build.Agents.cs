using Nuke.Common;

partial class Build
{
    [Parameter("Upgrade the agents even when the release notes do not require it")]
    readonly bool UpgradeAgents;

    /// <summary>The release notes on the upgrade path say so, or the operator asked for it.</summary>
    bool AgentUpgradeRequired => UpgradeAgents || (PreflightResult?.Path?.AgentUpgradeRequired ?? Journal?.AgentUpgradeRequired ?? false);

    Target Agents => _ => _
        .Description("Upgrades the agents when the release requires it (not built yet: fails whenever it is required)")
        .DependsOn(Verify)
        .OnlyWhenDynamic(() => AgentUpgradeRequired)
        .Executes(() => NotImplementedYet(nameof(Agents)));
}
