using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Steps.Frontend;
using Nexplane.Upgrade.Steps.Pull;

namespace Nexplane.Upgrade.Runs;

/// <summary>Pull and Frontend: the new images fetched while the old version serves, and the frontend moved onto its own.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>Pull (Steps/Pull); the images as pulled go into the report, then the backup's verdict is awaited.</summary>
    public async Task PullAsync(IImagePull deployment, CancellationToken cancellationToken)
    {
        foreach (var image in await new PullStep(output).RunAsync(ServiceUpgrades, deployment, cancellationToken))
            Report.Images[image.Service] = image.Pinned;
        await EnsureBackupVerifiedAsync();
    }

    /// <summary>Whether the deployment has a frontend to upgrade (unknown before Preflight: then it is assumed).</summary>
    public bool UpgradesFrontend(string frontendService) => Preflight?.Services.Any(u => u.Service == frontendService) ?? true;

    /// <summary>Frontend (Steps/Frontend), checked against the image Pull recorded.</summary>
    public Task UpgradeFrontendAsync(IFrontendUpgrade deployment, string frontendService, CancellationToken cancellationToken) =>
        new FrontendStep(output).RunAsync(ExpectedImage(frontendService), TargetVersion, deployment, cancellationToken);

    /// <summary>What Pull recorded (<c>repo:tag@digest</c>); in a resumed run whose Pull ran earlier, what Preflight resolved.</summary>
    ExpectedImage ExpectedImage(string service) =>
        Report.Images.TryGetValue(service, out var pulled)
            ? new ExpectedImage(service, ImageReference.Parse(pulled), "Pull")
            : ServiceUpgrades.First(u => u.Service == service) is var upgrade && upgrade.ToDigest is { } digest && digest.StartsWith("sha256:")
                ? new ExpectedImage(service, upgrade.To with { Digest = digest }, "Preflight")
                : new ExpectedImage(service, upgrade.To, "Preflight");
}
