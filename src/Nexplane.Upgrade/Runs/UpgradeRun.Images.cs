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
        // The backend's image at each stop on the way is pulled too: every image of the path is here before Stop.
        if (Preflight?.Stops is { Count: > 0 } stops)
            await new PullStep(output).RunAsync(stops.Select(stop => stop.Backend).ToArray(), deployment, cancellationToken);
        foreach (var image in await new PullStep(output).RunAsync(ServiceUpgrades, deployment, cancellationToken))
            Report.Images[image.Service] = image.Pinned;
        await EnsureBackupVerifiedAsync();
    }

    /// <summary>Whether the deployment has a frontend to upgrade (unknown before Preflight: then it is assumed).</summary>
    public bool UpgradesFrontend(string frontendService) => Preflight?.Services.Any(u => u.Service == frontendService) ?? true;

    /// <summary>Frontend (Steps/Frontend), checked against the image Pull recorded.</summary>
    public Task UpgradeFrontendAsync(IFrontendUpgrade deployment, string frontendService, CancellationToken cancellationToken) =>
        new FrontendStep(output).RunAsync(new FrontendMove(ExpectedImage(frontendService), TagPins([frontendService])[0], TargetVersion)
            { BeforeFileWrite = BeforeDeploymentFileWrite }, deployment, cancellationToken);

    /// <summary>The tag Preflight resolved for each service, to pin where the deployment keeps it.</summary>
    IReadOnlyList<(string Service, string Tag)> TagPins(IEnumerable<string> services) =>
        services.Select(service => (service, ServiceUpgrades.First(u => u.Service == service).To.Tag!)).ToArray();

    /// <summary>
    /// What the journal learns before the upgrade writes a deployment file: a copy of the file as it was (a rollback
    /// restores it, even after a killed run) and the new text's hash (a file edited since is told apart).
    /// </summary>
    Action<string, string>? BeforeDeploymentFileWrite => Journal is { } journal
        ? (path, text) =>
        {
            journal.RememberOriginal(path);
            journal.RecordWrite(path, text);
        }
        : null;

    /// <summary>What Pull recorded (<c>repo:tag@digest</c>); in a resumed run whose Pull ran earlier, what Preflight resolved.</summary>
    ExpectedImage ExpectedImage(string service) =>
        Report.Images.TryGetValue(service, out var pulled)
            ? new ExpectedImage(service, ImageReference.Parse(pulled), "Pull")
            : ServiceUpgrades.First(u => u.Service == service) is var upgrade && upgrade.ToDigest is { } digest && digest.StartsWith("sha256:")
                ? new ExpectedImage(service, upgrade.To with { Digest = digest }, "Preflight")
                : new ExpectedImage(service, upgrade.To, "Preflight");
}
