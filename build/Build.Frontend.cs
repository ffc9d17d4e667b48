using Nexplane.Upgrade.Runbook;
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
        .Description(RunbookTable.Description(RunbookStep.Frontend))
        .DependsOn(PreviousStep(RunbookStep.Frontend))
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(RunbookStep.Frontend))
        .OnlyWhenDynamic(() => Run.UpgradesFrontend(FrontendService))
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken => await Run.UpgradeFrontendAsync(Live, Deployment.FrontendService, cancellationToken));
}
