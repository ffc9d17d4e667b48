using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Backend;

/// <summary>The control plane's API as the run uses it: the operator's login, and the agents registered with it.</summary>
public interface IControlPlane
{
    /// <summary>The operator's login; its token confirms each agent's registration.</summary>
    Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken);
}
