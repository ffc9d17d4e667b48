using Docker.DotNet;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The image a service must run after the upgrade: the reference Pull recorded (<c>repo:tag@sha256:...</c>), or the
/// one Preflight resolved when Pull ran in an earlier, resumed run. <see cref="Source"/> says which, for messages.
/// </summary>
public sealed record ExpectedImage(string Service, ImageReference Reference, string Source);

/// <summary>What the newest container of a service runs, as the engine reports it.</summary>
public sealed record RunningImage(
    string Container,
    string State,
    ImageReference Reference,
    string ImageId,
    IReadOnlyList<string> RepoDigests,
    long RestartCount);

/// <summary>Reads what a service's container runs, and which image id a reference names on this engine.</summary>
public interface IRunningImages
{
    /// <summary>The service's newest container, or null when the project has none.</summary>
    Task<RunningImage?> OfServiceAsync(string service, CancellationToken cancellationToken);

    /// <summary>The id of the local image <paramref name="reference"/> names (by digest when it has one), or null when absent.</summary>
    Task<string?> ImageIdOfAsync(ImageReference reference, CancellationToken cancellationToken);
}

/// <summary>
/// Compares a recreated container with the image it must run. A tag is only a name: the image id (and the registry
/// digest Pull recorded) is what tells that the container runs the pulled release and not an older or a locally
/// rebuilt image under the same tag.
/// </summary>
public static class RunningImageJudge
{
    /// <summary>Why <paramref name="running"/> is not <paramref name="expected"/>, or null when it is.</summary>
    /// <param name="expectedImageId">The local id of the expected image, when the engine knows it.</param>
    public static string? Mismatch(ExpectedImage expected, string? expectedImageId, RunningImage running)
    {
        var want = expected.Reference;
        var service = expected.Service;
        if (running.State != "running")
            return $"{service}'s container {running.Container} is {running.State}, not running (it should run {want}).";
        if (Normalize(running.Reference.Repository) != Normalize(want.Repository) || running.Reference.Tag != want.Tag)
            return $"{service}'s container {running.Container} runs {running.Reference}, not {WithoutDigest(want)} ({expected.Source} recorded {want}).";
        if (expectedImageId is not null && !SameId(expectedImageId, running.ImageId))
            return $"{service}'s container {running.Container} runs image {Short(running.ImageId)}, not {Short(expectedImageId)}, " +
                   $"the image {expected.Source} recorded as {want}: the tag {want.Tag} names another image on this machine.";
        if (want.Digest is { } digest && !running.RepoDigests.Any(d => ImageReference.Parse(d).Digest == digest))
            return $"{service}'s container {running.Container} runs image {Short(running.ImageId)} " +
                   $"({(running.RepoDigests.Count == 0 ? "no registry digest" : string.Join(", ", running.RepoDigests))}), " +
                   $"not {want} that {expected.Source} recorded.";
        return null;
    }

    static ImageReference WithoutDigest(ImageReference reference) => reference with { Digest = null };

    static bool SameId(string a, string b) => StripAlgorithm(a) == StripAlgorithm(b);

    static string StripAlgorithm(string id) => id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;

    /// <summary><c>sha256:</c> and the first 12 hex digits, as docker prints ids.</summary>
    public static string Short(string id)
    {
        var hex = StripAlgorithm(id);
        return "sha256:" + (hex.Length > 12 ? hex[..12] : hex);
    }

    /// <summary>Docker Hub's implicit names: <c>nginx</c>, <c>library/nginx</c> and <c>docker.io/library/nginx</c> are one repository.</summary>
    static string Normalize(string repository)
    {
        foreach (var prefix in new[] { "docker.io/", "index.docker.io/", "registry-1.docker.io/" })
            if (repository.StartsWith(prefix, StringComparison.Ordinal))
                repository = repository[prefix.Length..];
        return repository.StartsWith("library/", StringComparison.Ordinal) ? repository["library/".Length..] : repository;
    }
}

/// <summary><see cref="IRunningImages"/> through the Docker engine API, containers found by compose labels.</summary>
public sealed class DockerRunningImages(IDockerClient docker, DeploymentContainers containers) : IRunningImages
{
    public async Task<RunningImage?> OfServiceAsync(string service, CancellationToken cancellationToken)
    {
        var newest = (await containers.OfServiceAsync(service, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault();
        if (newest is null)
            return null;
        var image = await docker.Images.InspectImageAsync(newest.ImageId, cancellationToken);
        return new RunningImage(newest.Name, newest.State, ImageReference.Parse(newest.Image), newest.ImageId,
            image.RepoDigests?.ToArray() ?? [], newest.RestartCount);
    }

    public async Task<string?> ImageIdOfAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var name = reference.Digest is null ? reference.ToString() : $"{reference.Repository}@{reference.Digest}";
        try
        {
            return (await docker.Images.InspectImageAsync(name, cancellationToken)).ID;
        }
        catch (Exception exception) when (exception is DockerImageNotFoundException
                                          or DockerApiException { StatusCode: System.Net.HttpStatusCode.NotFound })
        {
            return null;
        }
    }
}
