using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Steps.Verify;

namespace Nexplane.Upgrade.Runs;

/// <summary>Verify (Steps/Verify): it records nothing of its own; the run only hands it the target.</summary>
public sealed partial class UpgradeRun
{
    public Task VerifyAsync(string whatHappensToOutdatedAgents, IDeploymentVerification deployment, IControlPlane controlPlane,
        CancellationToken cancellationToken) =>
        new VerifyStep(output).RunAsync(new VerifyInput(TargetVersion, whatHappensToOutdatedAgents), deployment, controlPlane, cancellationToken);
}
