using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nexplane.Upgrade.Progress;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Backend;

/// <summary>The backend came up: the revisions it applied and when uvicorn reported startup.</summary>
public sealed record MigrationOutcome(IReadOnlyList<AppliedMigration> Migrations, string? Head, DateTimeOffset StartupCompletedAt);

/// <summary>
/// Follows a freshly started backend container's log (stdout and stderr: Alembic and uvicorn write to stderr)
/// through the Docker engine until uvicorn reports <c>Application startup complete.</c>, reporting each
/// revision as it starts and relaying the backend's own lines (<see cref="BackendLineRelay"/>: redacted, rate-limited),
/// a count or percentage in them driving the running migration's share. The whole output is saved to a file either
/// way. The container exiting, restarting (a crash loop under <c>restart: unless-stopped</c>,
/// judged by its restart count, never by one state sample), a failure line, or the timeout is a migration
/// failure, and <see cref="MigrationFailedException"/> names the file.
/// </summary>
public sealed class MigrationLogWatcher(IDockerClient docker, Action<string> log, OperatorAdvice advice, Func<string, string>? redact = null, IProgressDisplay? display = null,
    Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    /// <summary>After a failure line, how long to keep reading so the saved output holds the whole traceback.</summary>
    static readonly TimeSpan FailureGrace = TimeSpan.FromSeconds(3);

    static readonly TimeSpan InspectInterval = TimeSpan.FromMilliseconds(250);

    /// <param name="startedSince">
    /// Only what the container printed from then on counts: a stopped container that compose starts again ("Starting",
    /// not "Recreating") keeps the log of its earlier life, whose old migration lines must not read as this run's.
    /// </param>
    /// <param name="outputFile">Where the backend's whole output during the watch is saved, whatever the outcome.</param>
    public async Task<MigrationOutcome> WatchAsync(string containerId, TimeSpan timeout, string outputFile, DateTimeOffset? startedSince,
        CancellationToken cancellationToken)
    {
        var progress = new MigrationProgress();
        var relay = new BackendLineRelay(log, Redact, outputFile);
        using var running = new RunningMigrationLine(display ?? NoProgress.Instance);
        var baseline = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);

        string? reason;
        try
        {
            reason = await FollowUntilDecidedAsync(containerId, baseline.RestartCount, startedSince, progress, running, relay, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reason = $"the backend did not report 'Application startup complete.' within {timeout.TotalSeconds:0} s ({advice.Flag(Setting.MigrationTimeout)})";
        }
        finally
        {
            relay.End();
        }

        if (reason is null && progress.StartupCompletedAt is { } completed)
        {
            await SaveOutputAsync(outputFile, $"# Backend started: it reported start-up complete at {completed:yyyy-MM-ddTHH:mm:ss.fffZ}",
                containerId, "running", progress);
            return new MigrationOutcome(progress.Migrations, progress.Head, completed);
        }

        var state = await DescribeStateAsync(containerId, baseline.RestartCount, CancellationToken.None);
        await SaveOutputAsync(outputFile, $"# Backend startup failed: {reason}", containerId, state, progress);
        throw new MigrationFailedException(
            $"The backend did not come up: {reason}." +
            ((progress.ErrorSummary ?? progress.FailureLine) is { } error ? $" Error: {Redact(error).TrimEnd('.')}." : "") +
            $" Container now: {state}." +
            (progress.Migrations.Count > 0
                ? $" Revisions the log reported starting: {string.Join("; ", progress.Migrations.Select(m => $"{m.From} -> {m.To}"))}."
                : " No revision was reported."),
            outputFile);
    }

    /// <summary>Null once startup completed; otherwise why the backend will not come up.</summary>
    async Task<string?> FollowUntilDecidedAsync(string containerId, long baselineRestarts, DateTimeOffset? startedSince, MigrationProgress progress,
        RunningMigrationLine running, BackendLineRelay relay, CancellationToken cancellationToken)
    {
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? crash = null;
        var monitor = Task.Run(async () =>
        {
            while (!stopReading.IsCancellationRequested)
            {
                ContainerInspectResponse inspected;
                try
                {
                    inspected = await docker.Containers.InspectContainerAsync(containerId, stopReading.Token);
                }
                catch (DockerContainerNotFoundException)
                {
                    crash = "the container was removed while starting";
                    stopReading.CancelAfter(TimeSpan.FromSeconds(1));
                    return;
                }
                if (inspected.RestartCount > baselineRestarts)
                    crash = $"the container restarted {inspected.RestartCount - baselineRestarts} time(s) (crash loop; last exit code {inspected.State.ExitCode})";
                else if (!inspected.State.Running && !inspected.State.Restarting)
                    crash = $"the container exited with code {inspected.State.ExitCode}";
                if (crash is not null)
                {
                    // Its last lines are still in flight: give the log stream a moment before deciding.
                    stopReading.CancelAfter(TimeSpan.FromSeconds(1));
                    return;
                }
                await _clock.DelayAsync(InspectInterval, stopReading.Token);
            }
        }, CancellationToken.None);

        var since = startedSince;
        try
        {
            while (progress.StartupCompletedAt is null)
            {
                since = await ReadLogAsync(containerId, since, progress, running, relay, stopReading, cancellationToken);
                if (progress.StartupCompletedAt is not null || crash is not null || progress.FailureLine is not null)
                    break;
                // The stream ended while the container runs (the engine closes it on a restart): follow again.
                await _clock.DelayAsync(InspectInterval, stopReading.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the monitor (crash) or by the failure grace period: decided below.
        }
        finally
        {
            await stopReading.CancelAsync();
            try { await monitor; } catch (OperationCanceledException) { }
        }

        if (progress.StartupCompletedAt is not null && crash is null)
            return null;
        if (progress.FailureLine is not null)
            return crash ?? (progress.RestartedAfterFailure
                ? "it failed, exited, and its restart policy started it again" : "its log reported a failure");
        return crash ?? "the log ended before startup completed";
    }

    /// <summary>Reads the log until it ends; returns the timestamp to resume from.</summary>
    async Task<DateTimeOffset?> ReadLogAsync(string containerId, DateTimeOffset? since, MigrationProgress progress, RunningMigrationLine running,
        BackendLineRelay relay, CancellationTokenSource stopReading, CancellationToken cancellationToken)
    {
        using var stream = await docker.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
        {
            Follow = true,
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Since = since is { } resume ? (resume.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) : null,
        }, stopReading.Token);

        var pending = new Dictionary<MultiplexedStream.TargetStream, StringBuilder>();
        var buffer = new byte[16 * 1024];
        var lastTimestamp = since;
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, stopReading.Token);
            if (read.EOF)
                return lastTimestamp;
            var text = pending.TryGetValue(read.Target, out var builder) ? builder : pending[read.Target] = new StringBuilder();
            text.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
            int newline;
            while ((newline = IndexOf(text, '\n')) >= 0)
            {
                var raw = text.ToString(0, newline).TrimEnd('\r');
                text.Remove(0, newline + 1);
                var (at, line) = SplitTimestamp(raw);
                // Resuming with since repeats the lines of that very millisecond; skip what was already seen (or is older
                // than this run's start of the container).
                if (since is { } resumedAfter && at <= resumedAfter)
                    continue;
                lastTimestamp = at;
                var stage = read.Target == MultiplexedStream.TargetStream.StandardError ? "stderr" : "stdout";
                var failedBefore = progress.FailureLine is not null;
                if (progress.Observe(at, stage, line) is { } migration && progress.FailureLine is null)
                {
                    log($"Running upgrade {migration.From} -> {migration.To}, {migration.Description} (+{(at - progress.FirstLineAt!.Value).TotalSeconds:0.00} s)");
                    running.Show(migration);
                }
                else
                {
                    // The backend's own line (Alembic's announcements are said above, in the run's words).
                    relay.Relay(at, line);
                    if (progress.FailureLine is not null || progress.StartupCompletedAt is not null)
                        running.End();
                    else if (progress.Running is not null && MigrationShare.Of(line) is { } share)
                        running.Share(share);
                }
                if (progress.StartupCompletedAt is not null)
                    return lastTimestamp;
                if (!failedBefore && progress.FailureLine is not null)
                    stopReading.CancelAfter(FailureGrace);
                if (progress.RestartedAfterFailure)
                    await stopReading.CancelAsync();
            }
        }
    }

    /// <summary>Splits Docker's RFC 3339 nanosecond prefix off a line (the engine adds it with Timestamps=true).</summary>
    public static (DateTimeOffset At, string Line) SplitTimestamp(string raw)
    {
        var space = raw.IndexOf(' ');
        if (space > 0)
        {
            var text = raw[..space];
            var dot = text.IndexOf('.');
            if (dot > 0 && text.EndsWith('Z'))
                text = text[..Math.Min(text.Length - 1, dot + 8)] + "Z"; // .NET parses at most 7 fractional digits
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return (at, raw[(space + 1)..]);
        }
        return (DateTimeOffset.UtcNow, raw);
    }

    async Task<string> DescribeStateAsync(string containerId, long baselineRestarts, CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
            return inspected.State.Status
                   + (inspected.State.Running ? "" : $", exit code {inspected.State.ExitCode}")
                   + (inspected.RestartCount > baselineRestarts ? $", restarted {inspected.RestartCount - baselineRestarts} time(s)" : "");
        }
        catch (DockerApiException exception)
        {
            return $"unknown ({exception.StatusCode})";
        }
    }

    async Task SaveOutputAsync(string file, string heading, string containerId, string state, MigrationProgress progress)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var text = new StringBuilder()
            .AppendLine(heading)
            .AppendLine($"# Container {containerId[..Math.Min(12, containerId.Length)]}: {state}")
            .AppendLine($"# Revisions reported: {(progress.Migrations.Count == 0 ? "none" : string.Join("; ", progress.Migrations))}")
            .AppendLine();
        foreach (var line in progress.Lines)
            text.AppendLine(line);
        await File.WriteAllTextAsync(file, Redact(text.ToString()));
    }

    string Redact(string text) => redact is null ? text : redact(text);

    static int IndexOf(StringBuilder builder, char value)
    {
        for (var i = 0; i < builder.Length; i++)
            if (builder[i] == value)
                return i;
        return -1;
    }
}

/// <summary>The new backend did not come up. <see cref="OutputFile"/> holds its whole log for the bug report.</summary>
public sealed class MigrationFailedException(string message, string outputFile) : Exception(message)
{
    public string OutputFile { get; } = outputFile;
}
