using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Preflight;
using Nuke.Common;
using Serilog;

partial class Build
{
    /// <summary>The images Preflight resolved for the app services present in the compose file.</summary>
    IReadOnlyList<ServiceUpgrade> ServiceUpgrades =>
        Run.Preflight?.Services ?? throw new InvalidOperationException(
            "Preflight has not run in this build, so the images to move to are unknown. Run Upgrade, or do not --skip Preflight.");

    /// <summary>Every new image is pulled while the old version still serves, so a failed pull changes nothing.</summary>
    Target Pull => _ => _
        .Description("Pulls every new image before anything stops and records its digest")
        .DependsOn(Backup)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Pull)))
        .Executes(async cancellationToken =>
        {
            var upgrades = ServiceUpgrades;
            var puller = new ImagePuller(await DockerAsync(cancellationToken), RegistryCredentials.FromEnvironment(), LogLine);
            var pulled = await puller.PullAllAsync(upgrades.Select(u => (u.Service, u.To)).ToArray(), cancellationToken);
            foreach (var image in pulled)
            {
                Report.Images[image.Service] = image.Pinned;
                if (upgrades.First(u => u.Service == image.Service).ToDigest is { } expected && expected.StartsWith("sha256:") && expected != image.Digest)
                    Log.Warning("{Service}: the registry served {Digest}, but Preflight saw {Expected}: the tag moved in between",
                        image.Service, image.Digest, expected);
            }
            // Finding the compose CLI costs a process start or two: pay it now, not while the app is down.
            await ComposeAsync(cancellationToken);
            ReportSummary(summary => summary["Images"] = string.Join(", ", pulled.Select(p => p.Reference.ToString())));
        });
}
