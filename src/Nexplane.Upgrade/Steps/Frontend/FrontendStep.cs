using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Frontend;

/// <summary>Where the Frontend step moves the frontend.</summary>
/// <param name="Image">What the container must run: as Pull recorded it (with its digest), or as Preflight resolved it.</param>
/// <param name="Pin">The frontend's new tag, pinned where the deployment keeps it.</param>
/// <param name="Target">The version the frontend must state, if it states one.</param>
public sealed record FrontendMove(ExpectedImage Image, (string Service, string Tag) Pin, NexplaneVersion Target)
{
    /// <summary>Told each deployment file's path and new text before it is written.</summary>
    public Action<string, string>? BeforeFileWrite { get; init; }
}

/// <summary>
/// Frontend: recreated alone on its new image (the backend it depends on is left as it is), then judged by the image
/// its container runs, its page, and any version it states.
/// </summary>
public sealed class FrontendStep(IRunOutput output)
{
    public async Task RunAsync(FrontendMove move, IFrontendUpgrade deployment, CancellationToken cancellationToken)
    {
        var verdict = await deployment.UpgradeFrontendAsync(move, cancellationToken);
        output.Summary("Serves", verdict.Version?.Version.ToString() ?? "no version stated; image and page checked");
    }
}
