using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// Runs a program inside a container through the Docker engine API and streams its stdout into a host stream,
/// optionally feeding a host stream to its stdin. Environment values (PGPASSWORD) travel in the exec request,
/// not on any command line.
/// </summary>
public sealed class ContainerExec(IDockerClient docker, Clock? clock = null)
{
    static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(20);

    readonly Clock _clock = clock ?? Clock.System;

    public async Task<(long ExitCode, string StandardError)> RunAsync(
        string containerId,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string?> environment,
        Stream? standardOutput,
        Stream? standardInput,
        CancellationToken cancellationToken)
    {
        var created = await docker.Exec.ExecCreateContainerAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            Env = environment.Where(pair => pair.Value is not null).Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            AttachStdout = true,
            AttachStderr = true,
            AttachStdin = standardInput is not null,
        }, cancellationToken);

        using var stream = await docker.Exec.StartAndAttachContainerExecAsync(created.ID, tty: false, cancellationToken);
        var standardError = new MemoryStream();
        var feeding = standardInput is null ? Task.CompletedTask : FeedAsync(stream, standardInput, cancellationToken);
        await stream.CopyOutputToAsync(Stream.Null, standardOutput ?? Stream.Null, standardError, cancellationToken);
        await feeding;

        // The output can end a moment before the engine records the exit code: wait until the exec has finished.
        var inspected = await docker.Exec.InspectContainerExecAsync(created.ID, cancellationToken);
        while (inspected.Running)
        {
            await _clock.DelayAsync(ExitPollInterval, cancellationToken);
            inspected = await docker.Exec.InspectContainerExecAsync(created.ID, cancellationToken);
        }
        return (inspected.ExitCode, Encoding.UTF8.GetString(standardError.ToArray()));
    }

    static async Task FeedAsync(MultiplexedStream stream, Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            await stream.WriteAsync(buffer, 0, read, cancellationToken);
        stream.CloseWrite();
    }
}
