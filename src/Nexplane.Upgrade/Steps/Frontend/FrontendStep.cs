using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Frontend;

/// <summary>
/// Frontend: recreated alone on its new image (the backend it depends on is left as it is), then judged by the image
/// its container runs, its page, and any version it states.
/// </summary>
public sealed class FrontendStep(IRunOutput output)
{
    /// <param name="image">What the container must run: as Pull recorded it (with its digest), or as Preflight resolved it.</param>
    public async Task RunAsync(ExpectedImage image, NexplaneVersion target, IFrontendUpgrade deployment, CancellationToken cancellationToken)
    {
        var verdict = await deployment.UpgradeFrontendAsync(image, target, cancellationToken);
        output.Summary("Serves", verdict.Version?.Version.ToString() ?? "no version stated; image and page checked");
    }
}
