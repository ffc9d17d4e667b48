using Docker.DotNet;
using Docker.DotNet.Models;

namespace Nexplane.Upgrade.Rehearsals;

/// <summary>
/// The throwaway copy's Docker objects: one network of its own (internal: no published port, no route out, so the
/// rehearsed backend reaches nothing but the copy) and the containers <see cref="CopyPlan"/> lays out. Everything
/// carries the rehearsal's labels and is removed by them, also after a failure or Ctrl+C; a later run removes what a
/// killed one left behind.
/// </summary>
public sealed class ThrowawayCopy(IDockerClient docker, string rehearsalId, string composeFile, Action<string> log)
{
    string? _networkId;
    string? _databaseContainerId;

    public string NetworkName => CopyPlan.NetworkName(rehearsalId);

    public async Task CreateNetworkAsync(CancellationToken cancellationToken)
    {
        var created = await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = NetworkName,
            Driver = "bridge",
            Internal = true,
            Labels = new Dictionary<string, string>(CopyPlan.Labels(rehearsalId, composeFile)),
        }, cancellationToken);
        _networkId = created.ID;
    }

    /// <summary>Creates and starts <paramref name="container"/>; returns its id.</summary>
    public async Task<string> StartAsync(CopyContainer container, CancellationToken cancellationToken)
    {
        var joins = container.JoinsDatabaseNamespace;
        if (joins && _databaseContainerId is null)
            throw new RehearsalException($"{container.Service} shares the database container's network namespace, which is not started yet.");
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = container.Name,
            Image = container.Image,
            Env = container.Environment.ToList(),
            Cmd = container.Command?.ToList(),
            Entrypoint = container.Entrypoint?.ToList(),
            User = container.User,
            WorkingDir = container.WorkingDirectory,
            Labels = new Dictionary<string, string>(container.Labels),
            HostConfig = new HostConfig
            {
                NetworkMode = joins ? $"container:{_databaseContainerId}" : NetworkName,
                RestartPolicy = RestartPolicyOf(container.RestartPolicy),
            },
            NetworkingConfig = joins ? null : new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [NetworkName] = new() { Aliases = [container.Service] } },
            },
        }, cancellationToken);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        if (container.Role == CopyRole.Database)
            _databaseContainerId = created.ID;
        return created.ID;
    }

    /// <summary>The address this machine reaches the container at: its address on the copy's network (a namespace's owner's, for those that share one).</summary>
    public async Task<string> AddressOfAsync(string containerId, CancellationToken cancellationToken)
    {
        var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        if (inspected.HostConfig.NetworkMode.StartsWith("container:", StringComparison.Ordinal))
            return await AddressOfAsync(inspected.HostConfig.NetworkMode["container:".Length..], cancellationToken);
        return inspected.NetworkSettings.Networks.TryGetValue(NetworkName, out var endpoint) && !string.IsNullOrEmpty(endpoint.IPAddress)
            ? endpoint.IPAddress
            : throw new RehearsalException($"{inspected.Name.TrimStart('/')} has no address on {NetworkName}.");
    }

    /// <summary>Removes this rehearsal's containers (with their anonymous volumes) and its network.</summary>
    public Task RemoveAsync() => RemoveLabelledAsync(docker, $"{CopyPlan.RehearsalLabel}={rehearsalId}", _ => true, log);

    /// <summary>
    /// Removes what earlier rehearsals of this deployment left behind when their process died (SIGKILL, a lost machine):
    /// objects whose owning process no longer runs on this machine. A rehearsal that still runs is left alone.
    /// </summary>
    public static Task<int> RemoveLeftoversAsync(IDockerClient docker, string composeFile, Action<string> log) =>
        RemoveLabelledAsync(docker, $"{CopyPlan.ComposeFileLabel}={composeFile}", labels => !OwnerRuns(labels), log);

    static bool OwnerRuns(IDictionary<string, string> labels)
    {
        if (!labels.TryGetValue(CopyPlan.HostLabel, out var host) || host != Environment.MachineName)
            return true; // another machine's: not ours to judge
        return labels.TryGetValue(CopyPlan.ProcessLabel, out var pidText) && int.TryParse(pidText, out var pid) && ProcessRuns(pid);
    }

    /// <summary>Whether process <paramref name="pid"/> runs on this machine: the owner of a rehearsal's leftovers.</summary>
    internal static bool ProcessRuns(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    static async Task<int> RemoveLabelledAsync(IDockerClient docker, string label, Func<IDictionary<string, string>, bool> remove, Action<string> log)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } };
        var removed = await RemoveContainersAsync(docker, filter, remove);
        foreach (var network in await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }))
        {
            if (!remove(network.Labels))
                continue;
            try
            {
                await docker.Networks.DeleteNetworkAsync(network.ID);
            }
            catch (DockerApiException)
            {
                // A compose stopped mid-way can have its last container created after the list above: remove it, then the network.
                removed += await RemoveContainersAsync(docker, filter, remove);
                await docker.Networks.DeleteNetworkAsync(network.ID);
            }
            removed++;
        }
        if (removed > 0)
            log($"Removed {removed} container(s) and network(s) of the throwaway copy ({label})");
        return removed;
    }

    static async Task<int> RemoveContainersAsync(IDockerClient docker, Dictionary<string, IDictionary<string, bool>> filter,
        Func<IDictionary<string, string>, bool> remove)
    {
        var removed = 0;
        foreach (var container in await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
        {
            if (!remove(container.Labels))
                continue;
            try
            {
                await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
                removed++;
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }
        return removed;
    }

    static RestartPolicy RestartPolicyOf(string policy) => new()
    {
        Name = policy switch
        {
            "always" => RestartPolicyKind.Always,
            "unless-stopped" => RestartPolicyKind.UnlessStopped,
            var p when p.StartsWith("on-failure", StringComparison.Ordinal) => RestartPolicyKind.OnFailure,
            _ => RestartPolicyKind.No,
        },
    };
}
