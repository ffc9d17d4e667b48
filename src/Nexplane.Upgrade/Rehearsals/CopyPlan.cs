using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// What a container of the throwaway copy is for. <see cref="Companion"/>: an app service the real StartBackend
/// starts with the backend (a worker), so the copy starts, stops and recreates it with the backend too.
/// </summary>
public enum CopyRole { Database, Supporting, Backend, Companion, Frontend }

/// <summary>
/// One container of the throwaway copy, as data: what <see cref="ThrowawayCopy"/> creates. It carries no volume, no
/// bind mount and no published port, and only the rehearsal's labels (never compose's, so no tool mistakes it for
/// one of the deployment's containers). <see cref="Environment"/> holds the deployment's secrets: never log it.
/// </summary>
public sealed record CopyContainer(
    string Service,
    CopyRole Role,
    string Name,
    string Image,
    IReadOnlyList<string> Environment,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Entrypoint,
    string? User,
    string? WorkingDirectory,
    string RestartPolicy,
    bool JoinsDatabaseNamespace,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The image the deployment runs the service from now (backend and companions): the copy runs it first, to stop it as Stop does.</summary>
    public string? RunningImage { get; init; }

    /// <summary>The services compose starts before this one, with their conditions (the deployment's <c>depends_on</c>), so the copy's compose orders and waits alike.</summary>
    public IReadOnlyDictionary<string, string> DependsOn { get; init; } = new Dictionary<string, string>();

    /// <summary>The deployment's healthcheck of the service, as compose config printed it: a <c>service_healthy</c> condition waits on it.</summary>
    public YamlDotNet.RepresentationModel.YamlMappingNode? Healthcheck { get; init; }
}

/// <summary>What the copy is made of: the services to copy and the images the rehearsed version runs.</summary>
public sealed record CopyRequest(
    string RehearsalId,
    string ComposeFile,
    IReadOnlyList<ResolvedService> Services,
    string DatabaseService,
    IReadOnlyList<string> SupportingServices,
    string BackendService,
    string BackendImage,
    string? FrontendService,
    string? FrontendImage,
    Uri ApiUrl,
    Uri? FrontendUrl)
{
    /// <summary>The other services StartBackend starts with the backend (a worker), each with the image of the rehearsed version.</summary>
    public IReadOnlyDictionary<string, string> CompanionImages { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The image each of the backend and its companions runs now (the one the deployment's container was created from);
    /// a service missing here runs the image its compose file names.
    /// </summary>
    public IReadOnlyDictionary<string, string> RunningImages { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Lays out the throwaway copy of a deployment, from the services as compose resolved them:
/// <list type="bullet">
/// <item>every container is on the copy's own network, under its service's name as network alias, so addresses such as
/// <c>db:5432</c> in <c>DATABASE_URL</c> reach the copy's server; a deployment on the host's network (its services talk
/// over 127.0.0.1) gets one shared network namespace instead, the database container's, so its 127.0.0.1 addresses
/// reach the copy's own services and never the host's;</item>
/// <item>the database server gets <c>listen_addresses=*</c>, so this machine reaches it on the copy's network to load
/// the backup (it has no published port);</item>
/// <item>in a shared namespace, a variable whose whole value is a loopback address (a listen address such as
/// <c>HOST=127.0.0.1</c>) becomes <c>0.0.0.0</c>: this machine reaches the copy only at its network address.</item>
/// </list>
/// </summary>
public static class CopyPlan
{
    public const string RehearsalLabel = "nexplane-upgrade.rehearsal";
    public const string ComposeFileLabel = "nexplane-upgrade.rehearsal.compose-file";
    public const string ProcessLabel = "nexplane-upgrade.rehearsal.pid";
    public const string HostLabel = "nexplane-upgrade.rehearsal.host";

    public static IReadOnlyDictionary<string, string> Labels(string rehearsalId, string composeFile) => new Dictionary<string, string>
    {
        [RehearsalLabel] = rehearsalId,
        [ComposeFileLabel] = composeFile,
        [ProcessLabel] = System.Environment.ProcessId.ToString(),
        [HostLabel] = System.Environment.MachineName,
    };

    public static string NetworkName(string rehearsalId) => $"nexplane-rehearsal-{rehearsalId}";

    /// <summary>The containers in the order they start: the database, the services beside it, the backend and its companions, the frontend.</summary>
    public static IReadOnlyList<CopyContainer> Containers(CopyRequest request)
    {
        var labels = Labels(request.RehearsalId, request.ComposeFile);
        var containers = new List<CopyContainer>();
        var database = Find(request, request.DatabaseService);
        var command = database.Command is { Count: > 0 } given ? given : ["postgres"];
        if (command[0] == "postgres")
            command = [.. command, "-c", "listen_addresses=*"];
        containers.Add(Container(request, database, CopyRole.Database, database.Image
            ?? throw new RehearsalException($"The {database.Name} service has no image to start a throwaway copy from."), labels) with { Command = command });
        foreach (var service in request.SupportingServices.Select(name => Find(request, name)))
            containers.Add(Container(request, service, CopyRole.Supporting, service.Image
                ?? throw new RehearsalException($"The {service.Name} service has no image to start a throwaway copy from."), labels));
        var backend = Find(request, request.BackendService);
        containers.Add(Container(request, backend, CopyRole.Backend, request.BackendImage, labels) with { RunningImage = RunningImage(request, backend) });
        foreach (var (name, image) in request.CompanionImages.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var companion = Find(request, name);
            containers.Add(Container(request, companion, CopyRole.Companion, image, labels) with { RunningImage = RunningImage(request, companion) });
        }
        if (request.FrontendService is { } frontend && request.FrontendImage is { } frontendImage)
            containers.Add(Container(request, Find(request, frontend), CopyRole.Frontend, frontendImage, labels));
        return containers;
    }

    /// <summary>The variables made to listen on every address of a shared namespace (their names only; values are secrets' neighbours).</summary>
    public static IReadOnlyList<string> ListenAddressVariables(ResolvedService service) =>
        service.UsesHostNetwork
            ? service.Environment.Where(pair => pair.Value.Trim() is "127.0.0.1" or "localhost" or "::1").Select(pair => pair.Key).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The port the copy's service listens on: the container side of the port the deployment publishes at <paramref name="url"/>, else the URL's own port (host network).</summary>
    public static int ListeningPort(ResolvedService service, Uri url)
    {
        if (service.UsesHostNetwork)
            return url.Port;
        return service.Ports.FirstOrDefault(port => port.Published == url.Port)?.Target
               ?? (service.Ports.Count == 1 ? service.Ports[0].Target : url.Port);
    }

    static CopyContainer Container(CopyRequest request, ResolvedService service, CopyRole role, string image, IReadOnlyDictionary<string, string> labels)
    {
        var listen = ListenAddressVariables(service).ToHashSet(StringComparer.Ordinal);
        var environment = service.Environment
            .Select(pair => $"{pair.Key}={(listen.Contains(pair.Key) ? "0.0.0.0" : pair.Value)}")
            .ToArray();
        return new CopyContainer(service.Name, role, $"{NetworkName(request.RehearsalId)}-{service.Name}", image, environment,
            service.Command, service.Entrypoint, service.User, service.WorkingDirectory, service.Restart ?? "no",
            role != CopyRole.Database && service.UsesHostNetwork, labels) { DependsOn = service.DependsOn, Healthcheck = service.Healthcheck };
    }

    static string? RunningImage(CopyRequest request, ResolvedService service) => request.RunningImages.GetValueOrDefault(service.Name) ?? service.Image;

    static ResolvedService Find(CopyRequest request, string name) =>
        request.Services.FirstOrDefault(service => service.Name == name)
        ?? throw new RehearsalException($"compose config lists no {name} service, so it cannot be copied for the rehearsal.");
}

/// <summary>The rehearsal could not be set up or run; the message says why and what was cleaned up.</summary>
public sealed class RehearsalException(string message) : Exception(message);
