using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Runs;

/// <summary>Pull and Frontend: the new images fetched while the old version serves, and the frontend moved onto its own.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>Every new image is pulled while the old version still serves, so a failed pull changes nothing.</summary>
    public async Task PullAsync(IImagePull deployment, CancellationToken cancellationToken)
    {
        var upgrades = ServiceUpgrades;
        var pulled = await deployment.PullAsync(upgrades.Select(u => (u.Service, u.To)).ToArray(), cancellationToken);
        foreach (var image in pulled)
        {
            Report.Images[image.Service] = image.Pinned;
            if (upgrades.First(u => u.Service == image.Service).ToDigest is { } expected && expected.StartsWith("sha256:") && expected != image.Digest)
                output.Warning("{Service}: the registry served {Digest}, but Preflight saw {Expected}: the tag moved in between",
                    image.Service, image.Digest, expected);
        }
        output.Summary("Images", string.Join(", ", pulled.Select(p => p.Reference.ToString())));
        await EnsureBackupVerifiedAsync();
    }

    /// <summary>Whether the deployment has a frontend to upgrade (unknown before Preflight: then it is assumed).</summary>
    public bool UpgradesFrontend(string frontendService) => Preflight?.Services.Any(u => u.Service == frontendService) ?? true;

    /// <summary>
    /// Recreates the frontend alone on the new tag and checks its image (against what Pull recorded), its page, and
    /// any version it states.
    /// </summary>
    public async Task UpgradeFrontendAsync(IFrontendUpgrade deployment, string frontendService, CancellationToken cancellationToken)
    {
        var verdict = await deployment.UpgradeFrontendAsync(ExpectedImage(frontendService), TargetVersion, cancellationToken);
        output.Summary("Serves", verdict.Version?.Version.ToString() ?? "no version stated; image and page checked");
    }

    /// <summary>What Pull recorded (<c>repo:tag@digest</c>); in a resumed run whose Pull ran earlier, what Preflight resolved.</summary>
    ExpectedImage ExpectedImage(string service) =>
        Report.Images.TryGetValue(service, out var pulled)
            ? new ExpectedImage(service, ImageReference.Parse(pulled), "Pull")
            : ServiceUpgrades.First(u => u.Service == service) is var upgrade && upgrade.ToDigest is { } digest && digest.StartsWith("sha256:")
                ? new ExpectedImage(service, upgrade.To with { Digest = digest }, "Preflight")
                : new ExpectedImage(service, upgrade.To, "Preflight");
}
