using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nuke.Common;
using Serilog;

partial class Build
{
    [Parameter("Compose service of the web frontend")]
    readonly string FrontendService = "frontend";

    [Parameter("Base URL of the frontend, e.g. http://127.0.0.1:3000")]
    readonly string? FrontendUrl;

    [Parameter("A version endpoint of the frontend, path#json-field or a plain-text path; asked leniently (a 404 or the " +
               "app's page is no answer, never a failure); empty for none. Default: /version#version")]
    readonly string FrontendVersionEndpoint = "/version#version";

    bool DeploymentHasFrontend => Run.Preflight?.Services.Any(u => u.Service == FrontendService) ?? true;

    /// <summary>What Pull recorded (<c>repo:tag@digest</c>); in a resumed run whose Pull ran earlier, what Preflight resolved.</summary>
    ExpectedImage ExpectedFrontendImage =>
        Report.Images.TryGetValue(FrontendService, out var pulled)
            ? new ExpectedImage(FrontendService, ImageReference.Parse(pulled), "Pull")
            : ServiceUpgrades.First(u => u.Service == FrontendService) is var upgrade
              && upgrade.ToDigest is { } digest && digest.StartsWith("sha256:")
                ? new ExpectedImage(FrontendService, upgrade.To with { Digest = digest }, "Preflight")
                : new ExpectedImage(FrontendService, upgrade.To, "Preflight");

    Target Frontend => _ => _
        .Description("Recreates the frontend alone on the new tag and checks its image, its page and any version it states")
        .DependsOn(VerifyMigrations)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Frontend)))
        .OnlyWhenDynamic(() => DeploymentHasFrontend)
        .Executes(async cancellationToken =>
        {
            // Checked while resolving the deployment, before anything changed.
            var frontendUrl = Deployment.FrontendUrl!;
            PinTags([FrontendService]);
            // --no-deps: the frontend depends_on the backend, and a plain up would recreate the backend too.
            await ComposeUpAsync([FrontendService], cancellationToken);
            var verdict = await new FrontendVerifier(Http, new DockerRunningImages(await DockerAsync(cancellationToken), await ContainersAsync(cancellationToken)),
                    LogLine)
                .VerifyAsync(new FrontendExpectation(frontendUrl, TargetVersion, ExpectedFrontendImage,
                    string.IsNullOrWhiteSpace(FrontendVersionEndpoint) ? null : VersionEndpoint.Parse(FrontendVersionEndpoint),
                    HealthTimeout, StabilityWindow), cancellationToken);
            ReportSummary(summary => summary["Serves"] = verdict.Version?.Version.ToString() ?? "no version stated; image and page checked");
        });
}
