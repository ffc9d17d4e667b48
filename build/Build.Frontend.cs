using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Processes;
using Nuke.Common;
using Serilog;

partial class Build
{
    [Parameter("Compose service of the web frontend")]
    readonly string FrontendService = "frontend";

    [Parameter("Base URL of the frontend, e.g. http://127.0.0.1:3000")]
    readonly string? FrontendUrl;

    bool DeploymentHasFrontend => PreflightResult?.Services.Any(u => u.Service == FrontendService) ?? true;

    Target Frontend => _ => _
        .Description("Recreates the frontend alone on the new tag and checks it serves the new version")
        .DependsOn(VerifyMigrations)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Frontend)))
        .OnlyWhenDynamic(() => DeploymentHasFrontend)
        .Executes(async cancellationToken =>
        {
            var frontendUrl = Uri.TryCreate(FrontendUrl, UriKind.Absolute, out var url)
                ? url
                : throw new InvalidOperationException($"--frontend-url '{FrontendUrl}' is not an absolute URL such as http://127.0.0.1:3000.");
            PinTags([FrontendService]);
            // --no-deps: the frontend depends_on the backend, and a plain up would recreate the backend too.
            await CommandRunner.RunCheckedAsync((await ComposeAsync(cancellationToken)).Up([FrontendService]),
                line => Log.Information("{Line}", line), line => Log.Information("{Line}", line), cancellationToken);
            var served = await new FrontendVerifier(Http).WaitForVersionAsync(frontendUrl, TargetVersion, HealthTimeout, cancellationToken);
            Log.Information("The frontend at {Url} serves {Version}", frontendUrl.ToString(), served.ToString());
            ReportSummary(summary => summary["Serves"] = served.ToString());
        });
}
