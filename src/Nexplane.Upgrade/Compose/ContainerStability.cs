using Docker.DotNet;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// Confirms a started container stays up. Under <c>restart: unless-stopped</c> a crashing app is restarted at
/// once, so a single inspect can show <c>running</c> with exit code 0 between two crashes: the restart count,
/// sampled over a window, is what tells.
/// </summary>
public sealed class ContainerStability(IDockerClient docker)
{
    static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);

    public async Task ConfirmStableAsync(string service, string containerId, long baselineRestarts, TimeSpan window, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow + window;
        while (true)
        {
            var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
            if (inspected.RestartCount > baselineRestarts)
                throw new ContainerUnstableException(
                    $"{service} restarted {inspected.RestartCount - baselineRestarts} time(s) after starting (crash loop; last exit code {inspected.State.ExitCode}).");
            if (!inspected.State.Running)
                throw new ContainerUnstableException($"{service} is {inspected.State.Status} (exit code {inspected.State.ExitCode}) after starting.");
            if (DateTimeOffset.UtcNow >= end)
                return;
            await Task.Delay(SampleInterval, cancellationToken);
        }
    }
}

public sealed class ContainerUnstableException(string message) : Exception(message);
