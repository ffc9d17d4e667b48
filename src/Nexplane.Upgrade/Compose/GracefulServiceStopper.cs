using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Nexplane.Upgrade.Compose;

/// <summary>How one container stopped.</summary>
/// <param name="AppSignalledAt">When the app itself was told to stop: from then on it no longer serves.</param>
/// <param name="SignalledInside">True when the TERM was delivered inside the container, not by the engine's fallback.</param>
public sealed record StoppedContainer(
    string Service, string Name, string Id, long? ExitCode, double Seconds, DateTimeOffset AppSignalledAt, bool SignalledInside)
{
    /// <summary>137 = 128 + SIGKILL: the fallback timeout ran out and the engine killed the app mid-request.</summary>
    public bool WasKilled => ExitCode == 137;
}

/// <summary>
/// Stops app services without waiting out <c>docker stop</c>'s timeout. Real Nexplane backends run as
/// <c>sh -c "alembic upgrade head &amp;&amp; uvicorn ..."</c>: the shell is PID 1 and ignores SIGTERM, so a plain
/// stop waits the whole timeout and then SIGKILLs the app mid-request (exit 137). Here a <c>docker stop</c> with a
/// short timeout starts first, and once the engine has registered it, TERM is sent to every process under PID 1
/// from inside the container (<c>kill -TERM -1</c>); uvicorn shuts down cleanly and the shell exits with it.
/// The order matters: under <c>restart: unless-stopped</c> an app that exits on its own is restarted, unless a
/// stop of its container is in progress. The stop is the fallback when the image has no shell.
/// </summary>
public sealed class GracefulServiceStopper(IDockerClient docker, DeploymentContainers containers, ProtectedServiceGuard protectedServices, Action<string> log)
{
    /// <summary>Runs inside the container: <c>kill -1</c> reaches every process but PID 1 and the caller itself.</summary>
    public static readonly IReadOnlyList<string> SignalAppProcesses = ["sh", "-c", "kill -TERM -1"];

    /// <summary>How long to wait for the engine to confirm it registered the stop before signalling anyway.</summary>
    static readonly TimeSpan StopRegistrationWait = TimeSpan.FromSeconds(2);

    /// <summary>Stops every running container of <paramref name="services"/>, all at once. Refuses protected services.</summary>
    public async Task<IReadOnlyList<StoppedContainer>> StopAsync(
        IReadOnlyCollection<string> services, TimeSpan fallbackTimeout, CancellationToken cancellationToken)
    {
        protectedServices.Refuse(services, "stop");
        var running = new List<ServiceContainer>();
        foreach (var service in services)
        {
            var found = await containers.OfServiceAsync(service, cancellationToken);
            if (found.Count == 0)
                log($"{service}: no container in project {containers.Project}; nothing to stop");
            running.AddRange(found.Where(c => c.State is "running" or "restarting" or "paused"));
            foreach (var stopped in found.Where(c => c.State is not ("running" or "restarting" or "paused")))
                log($"{service}: {stopped.Name} is already {stopped.State}");
        }
        return await Task.WhenAll(running.Select(container => StopOneAsync(container, fallbackTimeout, cancellationToken)));
    }

    async Task<StoppedContainer> StopOneAsync(ServiceContainer container, TimeSpan fallbackTimeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var requestedAt = DateTimeOffset.UtcNow;
        var stopRegistered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = WatchForStopSignalAsync(container.Id, requestedAt, stopRegistered, watching.Token);

        var stop = docker.Containers.StopContainerAsync(
            container.Id,
            new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(1, Math.Ceiling(fallbackTimeout.TotalSeconds)) },
            cancellationToken);

        await Task.WhenAny(stopRegistered.Task, stop, Task.Delay(StopRegistrationWait, cancellationToken));
        var signalledAt = DateTimeOffset.UtcNow;
        var signalledInside = !stop.IsCompleted && await SignalAppInsideAsync(container.Id, cancellationToken);
        if (!signalledInside)
            signalledAt = requestedAt;

        await stop;
        await watching.CancelAsync();
        // Docker.DotNet's event stream does not always notice cancellation until the engine sends another event
        // (seen with a crash-looping container, whose stop emits none): never wait on it for long.
        await Task.WhenAny(events, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));

        var inspected = await docker.Containers.InspectContainerAsync(container.Id, cancellationToken);
        var result = new StoppedContainer(
            container.Service, container.Name, container.Id, inspected.State.ExitCode,
            Math.Round(stopwatch.Elapsed.TotalSeconds, 3), signalledAt, signalledInside);
        log(result.WasKilled
            ? $"{container.Service}: {container.Name} did not stop within {fallbackTimeout.TotalSeconds:0} s and was killed (exit 137) after {result.Seconds:0.0} s"
            : $"{container.Service}: {container.Name} stopped in {result.Seconds:0.00} s (exit {result.ExitCode})");
        return result;
    }

    /// <summary>
    /// Completes <paramref name="stopRegistered"/> on the engine's <c>kill</c> event for this container: from then on
    /// the restart policy leaves it stopped. Events since just before the request are replayed, so none is missed
    /// while the subscription is being set up.
    /// </summary>
    async Task WatchForStopSignalAsync(string containerId, DateTimeOffset requestedAt, TaskCompletionSource stopRegistered, CancellationToken cancellationToken)
    {
        var since = requestedAt.AddSeconds(-1);
        var parameters = new ContainerEventsParameters
        {
            Since = since.ToUnixTimeSeconds().ToString(),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["container"] = new Dictionary<string, bool> { [containerId] = true },
                ["event"] = new Dictionary<string, bool> { ["kill"] = true, ["die"] = true },
            },
        };
        var sinceNanoseconds = (requestedAt.ToUnixTimeMilliseconds() - 1000) * 1_000_000;
        try
        {
            await docker.System.MonitorEventsAsync(parameters, new SynchronousProgress<Message>(message =>
            {
                if (message.TimeNano >= sinceNanoseconds)
                    stopRegistered.TrySetResult();
            }), cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
        {
            // Cancelled once the stop finished; a broken event stream only costs the short registration wait.
        }
    }

    /// <summary>True when TERM was sent inside the container; false when it has no shell or already stopped.</summary>
    async Task<bool> SignalAppInsideAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            var exec = await docker.Exec.ExecCreateContainerAsync(containerId, new ContainerExecCreateParameters
            {
                Cmd = SignalAppProcesses.ToList(),
                AttachStdout = false,
                AttachStderr = false,
            }, cancellationToken);
            await docker.Exec.StartContainerExecAsync(exec.ID, cancellationToken);
            return true;
        }
        catch (DockerApiException)
        {
            // Not running any more (its PID 1 handled the engine's TERM), or no shell in the image: the stop's own
            // signal and timeout apply.
            return false;
        }
    }
}
