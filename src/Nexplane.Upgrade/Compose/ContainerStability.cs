using Docker.DotNet;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// Confirms a started container stays up. Under <c>restart: unless-stopped</c> a crashing app is restarted at
/// once, so a single inspect can show <c>running</c> with exit code 0 between two crashes: the restart count,
/// sampled over a window, is what tells.
/// </summary>
public sealed class ContainerStability(IDockerClient docker, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);

    public async Task ConfirmStableAsync(string service, string containerId, long baselineRestarts, TimeSpan window, CancellationToken cancellationToken)
    {
        var end = _clock.UtcNow + window;
        while (true)
        {
            var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
            if (inspected.RestartCount > baselineRestarts)
                throw new ContainerUnstableException(
                    $"{service} restarted {inspected.RestartCount - baselineRestarts} time(s) after starting (crash loop; last exit code {inspected.State.ExitCode}).");
            if (!inspected.State.Running)
                throw new ContainerUnstableException($"{service} is {inspected.State.Status} (exit code {inspected.State.ExitCode}) after starting.");
            if (_clock.UtcNow >= end)
                return;
            await _clock.DelayAsync(SampleInterval, cancellationToken);
        }
    }
}

public sealed class ContainerUnstableException(string message) : Exception(message);
