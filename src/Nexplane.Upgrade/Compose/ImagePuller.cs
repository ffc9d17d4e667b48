using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nexplane.Upgrade.Progress;

namespace Nexplane.Upgrade.Compose;

/// <summary>An image now present on this machine, with the content digest the registry served for its tag.</summary>
public sealed record PulledImage(string Service, ImageReference Reference, string Digest, double Seconds)
{
    /// <summary><c>repository:tag@sha256:...</c>: what ran, unambiguously, even if the tag moves later.</summary>
    public string Pinned => $"{Reference.Repository}:{Reference.Tag}@{Digest}";
}

/// <summary>
/// Pulls images through the Docker engine API while the old version still serves, with the registry login
/// `docker login` stored on this machine, if any. It never removes an image: the previous version's images stay on
/// the machine so a rollback needs no registry.
/// </summary>
public sealed class ImagePuller(IDockerClient docker, RegistryCredentials credentials, Action<string> log, IProgressDisplay? display = null)
{
    /// <summary>
    /// Pulls each image in turn and resolves it to its digest. The first failure throws, so the caller stops the
    /// upgrade before anything was stopped.
    /// </summary>
    public async Task<IReadOnlyList<PulledImage>> PullAllAsync(
        IReadOnlyList<(string Service, ImageReference Image)> images, CancellationToken cancellationToken)
    {
        var pulled = new List<PulledImage>();
        foreach (var (service, image) in images)
            pulled.Add(await PullAsync(service, image, cancellationToken));
        return pulled;
    }

    public async Task<PulledImage> PullAsync(string service, ImageReference image, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var shown = (display ?? NoProgress.Instance).Start($"Pulling {image} ({service})", ProgressUnit.Bytes);
        var progress = new PullProgress(shown);
        try
        {
            // A synchronous IProgress: Progress<T> would post callbacks that can arrive after the call returned,
            // and the error check below must see every message.
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = image.Repository, Tag = image.Tag ?? "latest" },
                await AuthConfigAsync(image, cancellationToken),
                progress,
                cancellationToken);
        }
        catch (DockerApiException exception)
        {
            throw new ImagePullException(service, image, $"the engine answered {(int)exception.StatusCode}: {exception.ResponseBody.Trim()}");
        }
        if (progress.Error is { } error)
            throw new ImagePullException(service, image, error);

        var digest = await ResolveDigestAsync(image, cancellationToken)
            ?? throw new ImagePullException(service, image, "the image has no registry digest after the pull (was it built locally?)");
        var result = new PulledImage(service, image, digest, Math.Round(stopwatch.Elapsed.TotalSeconds, 3));
        log($"{service}: {image} pulled in {result.Seconds:0.0} s ({progress.Summary}), {digest}");
        return result;
    }

    /// <summary>The engine's form of the stored login for the image's registry; null pulls anonymously.</summary>
    async Task<AuthConfig?> AuthConfigAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var registry = RegistryClient.SplitRegistry(image.Repository).Registry;
        return await credentials.FindAsync(registry, cancellationToken) is { } login
            ? new AuthConfig { Username = login.Username, Password = login.Password, ServerAddress = registry }
            : null;
    }

    /// <summary>The digest from the image's RepoDigests entry for this repository.</summary>
    async Task<string?> ResolveDigestAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var inspected = await docker.Images.InspectImageAsync(image.ToString(), cancellationToken);
        return (inspected.RepoDigests ?? [])
            .Select(ImageReference.Parse)
            .FirstOrDefault(reference => reference.Repository == image.Repository && reference.Digest is not null)
            ?.Digest;
    }

    /// <summary>
    /// Counts layers instead of printing every progress tick, shows the bytes downloaded over all layers (the total
    /// grows as the engine announces each layer's size), and keeps the first error the engine reports.
    /// </summary>
    sealed class PullProgress(IProgressLine shown) : IProgress<JSONMessage>
    {
        readonly Dictionary<string, (long Current, long Total)> _layerBytes = [];
        readonly HashSet<string> _downloaded = [];
        readonly HashSet<string> _present = [];

        public string? Error { get; private set; }

        public string Summary => _downloaded.Count == 0 && _present.Count > 0
            ? $"{_present.Count} layer(s), all already present"
            : $"{_downloaded.Count} layer(s) downloaded, {_present.Count} already present";

        public void Report(JSONMessage message)
        {
            if (message.Error is { } error && Error is null)
                Error = error.Message ?? message.ErrorMessage;
            else if (!string.IsNullOrEmpty(message.ErrorMessage) && Error is null)
                Error = message.ErrorMessage;
            if (string.IsNullOrEmpty(message.ID))
                return;
            if (message.Status is "Downloading" && message.Progress is { Total: > 0 } bytes)
                ShowBytes(message.ID, bytes.Current, bytes.Total);
            else if (message.Status is "Download complete" && _layerBytes.TryGetValue(message.ID, out var layer))
                ShowBytes(message.ID, layer.Total, layer.Total);
            if (message.Status is "Pull complete")
                _downloaded.Add(message.ID);
            else if (message.Status is "Already exists")
                _present.Add(message.ID);
        }

        void ShowBytes(string layer, long current, long total)
        {
            _layerBytes[layer] = (current, total);
            shown.SetTotal(_layerBytes.Values.Sum(l => l.Total));
            shown.Report(_layerBytes.Values.Sum(l => l.Current));
        }
    }
}

/// <summary>An image could not be pulled. Raised before anything is stopped, so the deployment is unchanged.</summary>
public sealed class ImagePullException(string service, ImageReference image, string reason)
    : Exception($"Pulling {image} for {service} failed: {reason}. Nothing was stopped; the deployment still runs the previous version.");
