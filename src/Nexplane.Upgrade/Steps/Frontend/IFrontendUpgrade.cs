using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Frontend;

/// <summary>Frontend's one operation on the deployment: recreate the frontend alone on its new image and judge it.</summary>
public interface IFrontendUpgrade
{
    Task<FrontendVerdict> UpgradeFrontendAsync(FrontendMove move, CancellationToken cancellationToken);
}
