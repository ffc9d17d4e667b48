using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Steps.Pull;

/// <summary>Pull's one operation on the deployment; tests record it instead of pulling.</summary>
public interface IImagePull
{
    /// <summary>Pulls every image while the old version still serves; returns what each tag resolved to.</summary>
    Task<IReadOnlyList<PulledImage>> PullAsync(IReadOnlyList<(string Service, ImageReference Image)> images, CancellationToken cancellationToken);
}
