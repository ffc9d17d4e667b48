using Nuke.Common;

partial class Build
{
    [Parameter("Compose service of the web frontend")]
    readonly string FrontendService = "frontend";

    [Parameter("Base URL of the frontend, e.g. http://127.0.0.1:3000")]
    readonly string? FrontendUrl;

    [Parameter("A version endpoint of the frontend, path#json-field or a plain-text path; asked leniently (a 404 or the " +
               "app's page is no answer, never a failure); empty for none. Default: /version#version")]
    readonly string FrontendVersionEndpoint = "/version#version";

    Target Frontend => _ => _
        .Description("Recreates the frontend alone on the new tag and checks its image, its page and any version it states")
        .DependsOn(VerifyMigrations)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Frontend)))
        .OnlyWhenDynamic(() => Run.UpgradesFrontend(FrontendService))
        .Executes(async cancellationToken => await Run.UpgradeFrontendAsync(Live, Deployment.FrontendService, cancellationToken));
}
