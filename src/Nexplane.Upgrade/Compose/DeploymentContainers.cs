using Docker.DotNet;
using Docker.DotNet.Models;

namespace Nexplane.Upgrade.Compose;

/// <summary>A running (or stopped) container of a compose service, as the Docker engine reports it.</summary>
public sealed record ServiceContainer(
    string Id,
    string Name,
    string Service,
    string Image,
    string ImageId,
    string State,
    DateTime? StartedAt,
    long RestartCount,
    int? ExitCode)
{
    /// <summary>The compose version that created it (<c>com.docker.compose.version</c>), or null without that label.</summary>
    public string? ComposeVersion { get; init; }

    /// <summary>A <c>compose run</c> container (<c>com.docker.compose.oneoff=True</c>), not one of the service's own.</summary>
    public bool OneOff { get; init; }
}

/// <summary>
/// The containers of one compose deployment, found through the Docker engine API (Docker.DotNet) by compose's
/// labels, so it works whatever the container names are. Given the compose file, every container found must have
/// been created from it (<see cref="ComposeOwnership"/>): another deployment's container is refused, never returned.
/// </summary>
public sealed class DeploymentContainers(IDockerClient docker, string project, string? composeFile = null)
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string ComposeVersionLabel = "com.docker.compose.version";
    public const string OneOffLabel = "com.docker.compose.oneoff";

    public string Project { get; } = project;

    /// <summary>The engine at DOCKER_HOST or the default socket, checked to answer before anything else runs.</summary>
    public static async Task<IDockerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host
            ? new Uri(host)
            : new Uri(OperatingSystem.IsWindows() ? "npipe://./pipe/docker_engine" : "unix:///var/run/docker.sock");
        var client = new DockerClientConfiguration(endpoint, defaultTimeout: TimeSpan.FromSeconds(30)).CreateClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new DockerUnavailableException(
                $"The Docker engine at {endpoint} does not answer ({exception.GetType().Name}: {exception.Message}). " +
                "Start it (or set DOCKER_HOST), then run this again. Nothing was changed.");
        }
    }

    /// <summary>How this machine reaches the service's running container on <paramref name="containerPort"/>, or null (none running).</summary>
    public async Task<Database.DatabaseContainerEndpoint?> EndpointOfAsync(string service, int containerPort, CancellationToken cancellationToken)
    {
        var running = (await OfServiceAsync(service, cancellationToken)).FirstOrDefault(c => c.State == "running");
        if (running is null)
            return null;
        var inspected = await docker.Containers.InspectContainerAsync(running.Id, cancellationToken);
        var bindings = inspected.NetworkSettings?.Ports is { } ports && ports.TryGetValue($"{containerPort}/tcp", out var found) ? found : null;
        var binding = bindings?.FirstOrDefault(b => int.TryParse(b.HostPort, out _));
        return new Database.DatabaseContainerEndpoint(
            inspected.NetworkSettings?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(ip => !string.IsNullOrEmpty(ip)),
            binding?.HostIP,
            binding is null ? null : int.Parse(binding.HostPort),
            inspected.HostConfig?.NetworkMode == "host");
    }

    /// <summary>
    /// The compose version that created <paramref name="service"/>'s newest container of its own (not a one-off
    /// <c>compose run</c>; only containers created from this compose file), or null when none carries the label.
    /// </summary>
    public async Task<string?> CreatedByComposeVersionAsync(string service, CancellationToken cancellationToken) =>
        (await OfServiceAsync(service, cancellationToken))
        .Where(container => !container.OneOff && container.ComposeVersion is not null)
        .OrderByDescending(container => container.StartedAt ?? DateTime.MinValue)
        .Select(container => container.ComposeVersion)
        .FirstOrDefault();

    /// <summary>All containers of <paramref name="service"/> in this project, running or not.</summary>
    public async Task<IReadOnlyList<ServiceContainer>> OfServiceAsync(string service, CancellationToken cancellationToken)
    {
        var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{ProjectLabel}={Project}"] = true,
                    [$"{ServiceLabel}={service}"] = true,
                },
            },
        }, cancellationToken);

        var containers = new List<ServiceContainer>();
        foreach (var item in listed)
        {
            var inspected = await docker.Containers.InspectContainerAsync(item.ID, cancellationToken);
            if (composeFile is not null
                && ComposeOwnership.Problem(inspected.Name.TrimStart('/'), Project, inspected.Config.Labels, composeFile) is { } foreign)
                throw new ForeignContainerException(foreign);
            containers.Add(new ServiceContainer(
                inspected.ID,
                inspected.Name.TrimStart('/'),
                service,
                inspected.Config.Image,
                inspected.Image,
                inspected.State.Status,
                DateTime.TryParse(inspected.State.StartedAt, null, System.Globalization.DateTimeStyles.RoundtripKind, out var started) ? started : null,
                inspected.RestartCount,
                inspected.State.Running ? null : (int)inspected.State.ExitCode)
            {
                ComposeVersion = Label(inspected, ComposeVersionLabel),
                OneOff = Label(inspected, OneOffLabel) == "True",
            });
        }
        return containers;
    }

    static string? Label(ContainerInspectResponse container, string name) =>
        container.Config.Labels is { } labels && labels.TryGetValue(name, out var value) ? value : null;
}

public sealed class DockerUnavailableException(string message) : Exception(message);
