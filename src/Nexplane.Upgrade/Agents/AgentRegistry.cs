namespace Nexplane.Upgrade.Agents;

/// <summary>Where an agent proves it runs: the control plane's record of its registration.</summary>
public interface IAgentRegistry
{
    /// <summary>The agent registered under <paramref name="hostname"/>, or null when there is none.</summary>
    Task<RegisteredAgent?> FindAsync(string hostname, CancellationToken cancellationToken);
}

/// <summary>The control plane's agent list (<c>GET /assets?tag=nexplane-agent</c>), read with a login token.</summary>
public sealed class ControlPlaneAgentRegistry(AgentInventory inventory, Uri apiUrl, string bearerToken) : IAgentRegistry
{
    public async Task<RegisteredAgent?> FindAsync(string hostname, CancellationToken cancellationToken) =>
        (await inventory.ListAsync(apiUrl, bearerToken, cancellationToken))
        .FirstOrDefault(agent => string.Equals(agent.Hostname, hostname, StringComparison.OrdinalIgnoreCase));
}
