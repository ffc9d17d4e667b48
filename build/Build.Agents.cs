using Nuke.Common;

partial class Build
{
    [Parameter("Upgrade the agents even when the release notes do not require it")]
    readonly bool UpgradeAgents;

    [Parameter("Agent hosts to upgrade over SSH (user@host), canary first; 'local' for this machine")]
    readonly string[] AgentHosts = [];

    [Parameter("How many agent hosts to upgrade at once after the canary")]
    readonly int AgentWaveSize = 5;

    /// <summary>The release notes on the upgrade path say so, or the operator asked for it.</summary>
    bool AgentUpgradeRequired => UpgradeAgents || (PreflightResult?.Path?.AgentUpgradeRequired ?? Journal?.AgentUpgradeRequired ?? false);

    Target Agents => _ => _
        .Description("Upgrades the agents when the release requires it: canary first, then waves")
        .DependsOn(Verify)
        .OnlyWhenDynamic(() => AgentUpgradeRequired)
        .Executes(() => NotImplementedYet(nameof(Agents)));
}
