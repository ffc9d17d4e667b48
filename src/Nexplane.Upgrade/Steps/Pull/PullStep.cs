using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.Steps.Pull;

/// <summary>
/// Pull: every new image fetched while the old version still serves, so a failed pull changes nothing. Each image is
/// returned with the digest its tag resolved to (what a later step checks the running container against); a tag that
/// moved since Preflight looked is said.
/// </summary>
public sealed class PullStep(IRunOutput output)
{
    public async Task<IReadOnlyList<PulledImage>> RunAsync(IReadOnlyList<ServiceUpgrade> upgrades, IImagePull deployment, CancellationToken cancellationToken)
    {
        var pulled = await deployment.PullAsync(upgrades.Select(u => (u.Service, u.To)).ToArray(), cancellationToken);
        foreach (var image in pulled)
            // Matched by tag too: a path through stops pulls the backend at each stop's tag.
            if ((upgrades.FirstOrDefault(u => u.Service == image.Service && u.To.Tag == image.Reference.Tag)
                 ?? upgrades.First(u => u.Service == image.Service)).ToDigest is { } expected && expected.StartsWith("sha256:") && expected != image.Digest)
                output.Warning("{Service}: the registry served {Digest}, but Preflight saw {Expected}: the tag moved in between",
                    image.Service, image.Digest, expected);
        output.Summary("Images", string.Join(", ", pulled.Select(p => p.Reference.ToString())));
        return pulled;
    }
}
