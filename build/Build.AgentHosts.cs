using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runs;

/// <summary>The control plane's API and the agent hosts as this deployment reaches them; the run decides what to do with them.</summary>
partial class Build : IAgentHosts
{
    Task<(VerificationGate Gate, string? Token)> IControlPlane.LogInAsync(CancellationToken cancellationToken) =>
        ControlPlaneLoginAsync(cancellationToken);

    Task<IReadOnlyList<RegisteredAgent>> IControlPlane.RegisteredAgentsAsync(string token, CancellationToken cancellationToken) =>
        new AgentInventory(Http).ListAsync(ApiUri, token, cancellationToken);

    Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> IAgentHosts.BinariesAsync(IReadOnlyList<AgentHost> hosts, CancellationToken cancellationToken) =>
        AgentBinariesAsync(hosts, cancellationToken);

    Task<AgentHostOutcome> IAgentHosts.UpgradeAgentAsync(AgentHost host, AgentBinary binary, string token, CancellationToken cancellationToken) =>
        AgentUpgrader(new ControlPlaneAgentRegistry(new AgentInventory(Http), ApiUri, token)).UpgradeAsync(host, binary, cancellationToken);
}
