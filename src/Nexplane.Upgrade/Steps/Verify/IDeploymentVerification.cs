using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Verify;

/// <summary>Asks the running deployment whether it works: Verify asks it of the new version, a rollback of the previous one.</summary>
public interface IDeploymentVerification
{
    /// <summary>The version endpoint, a real login and the asset inventory, judged against <paramref name="version"/>.</summary>
    Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken);
}
