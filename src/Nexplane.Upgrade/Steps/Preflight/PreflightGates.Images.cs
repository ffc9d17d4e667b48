using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The images' gate: the new images must exist before anything is pulled or stopped.</summary>
public static partial class PreflightGates
{
    /// <summary>Whether the target's tags are spelled v0.3.0: as asked, else as the first pinned tag is.</summary>
    public static bool TagsWithVPrefix(TagFormat format, IEnumerable<KeyValuePair<string, NexplaneVersion>> pinned) => format switch
    {
        TagFormat.V => true,
        TagFormat.Plain => false,
        _ => pinned.Select(p => p.Value).FirstOrDefault()?.HasVPrefix ?? false,
    };

    /// <summary>Each service's image as the deployment names it, and the same image at the target's tag.</summary>
    public static IReadOnlyList<(string Service, ImageReference From, ImageReference To)> TargetImages(DeploymentFiles files, IEnumerable<string> services,
        NexplaneVersion target, bool withVPrefix) =>
        services.Select(service =>
        {
            var from = files.Compose.ResolveImage(service, files.EnvFile.Variables);
            return (service, from, from.WithTag(target.ToTag(withVPrefix)));
        }).ToArray();

    /// <summary>The backend's image at each stop of <paramref name="path"/>; none without a path or a backend among the services.</summary>
    public static IReadOnlyList<(NexplaneVersion Stop, (string Service, ImageReference From, ImageReference To) Image)> StopImages(DeploymentFiles files,
        IEnumerable<string> services, string backendService, UpgradePath? path, bool withVPrefix) =>
        path is null || !services.Contains(backendService)
            ? []
            : path.Stops.Select(stop => (stop, TargetImages(files, [backendService], stop, withVPrefix)[0])).ToArray();

    /// <summary>The stops the later steps pass, each with the backend's image there; one the registry could not be asked about has none.</summary>
    public static IReadOnlyList<UpgradeStop> Stops(IEnumerable<(NexplaneVersion Stop, ImageLookup Image)> stops) =>
        stops.Where(s => s.Image.Answer.Problem is null)
            .Select(s => new UpgradeStop(s.Stop, new ServiceUpgrade(s.Image.Service, s.Image.From, s.Image.To, s.Image.Answer.Digest))).ToArray();

    /// <summary>A target image the registry does not hold (or could not be asked about) is refused.</summary>
    public static IEnumerable<UpgradeGateFailure> Images(IEnumerable<ImageLookup> images, OperatorAdvice advice)
    {
        foreach (var image in images)
        {
            if (image.Answer.Problem is { } problem)
                yield return new("image", problem);
            else if (image.Answer.Digest is null)
                yield return new("image", $"The image {image.To} does not exist in its registry. Check {advice.Flag(Setting.Version)} and the image tag format ({advice.Flag(Setting.TagFormat)}).");
        }
    }

    /// <summary>The moves the later steps make; an image the registry could not be asked about has none.</summary>
    public static IReadOnlyList<ServiceUpgrade> ServiceUpgrades(IEnumerable<ImageLookup> images) =>
        images.Where(i => i.Answer.Problem is null).Select(i => new ServiceUpgrade(i.Service, i.From, i.To, i.Answer.Digest)).ToArray();
}
