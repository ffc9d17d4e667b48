using Nuke.Common;

partial class Build
{
    [Parameter("Compose service of the web frontend")]
    readonly string FrontendService = "frontend";

    [Parameter("Base URL of the frontend, e.g. http://127.0.0.1:3000")]
    readonly string? FrontendUrl;

    Target Frontend => _ => _
        .Description("Recreates the frontend alone on the new tag and checks it serves the new version")
        .DependsOn(VerifyMigrations)
        .Executes(() => NotImplementedYet(nameof(Frontend)));
}
