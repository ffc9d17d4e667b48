using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Steps.VerifyMigrations;

namespace Nexplane.Upgrade.Steps.StartBackend;

/// <summary>
/// What a stop on the way needs besides the start: the database's alembic_version and the backend's answers to check
/// it, and Stop's graceful stop for the backend before the next hop (compose's recreate would wait out its kill timeout).
/// </summary>
public interface IStopOnTheWay : IMigratedDatabase, IDeploymentVerification
{
    /// <summary>Stops the services as Stop does (<see cref="IAppStop.StopAsync"/>): the app's own signal, then the engine's.</summary>
    Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken);
}

/// <summary>
/// A stop on the way to the target (an upgrade through required stops, or <c>--via</c>): the backend alone starts on the
/// stop's version and runs that release's migrations (<see cref="StartBackendStep.MigrateAsync"/>, the same start and
/// watch as the target's); then the database must hold the head its log reported, and the backend must pass the
/// version, login and assets checks as the stop's version, before the next hop starts. The frontend and the agents
/// move once, to the target. A check that fails throws: the rollback returns the whole path to the starting version.
/// </summary>
public sealed class StopOnTheWay(IRunOutput output)
{
    /// <summary>
    /// Passes one stop: the backend alone started on <paramref name="input"/>'s pin, its migrations followed
    /// (<paramref name="migrated"/> is told them at once, for the journal), then <see cref="VerifyAsync"/> and
    /// <see cref="StopBackendAsync"/>. A backend that did not start is returned as such; a failed check throws.
    /// </summary>
    public async Task<StopResult> PassAsync(NexplaneVersion stop, StartBackendInput input, StartBackendStep step, IBackendStart deployment,
        IStopOnTheWay checks, Action<MigrationOutcome> migrated, CancellationToken cancellationToken)
    {
        var migrations = await step.MigrateAsync(input, deployment, cancellationToken);
        if (migrations is not MigrationsApplied applied)
            return new StopResult(migrations, null, null);
        migrated(applied.Outcome);
        var answered = await deployment.WaitUntilHealthyAsync(cancellationToken);
        var head = await VerifyAsync(stop, applied.Outcome, checks, cancellationToken);
        output.Information("Stop {Stop} passed: {Count} migration(s), head {Head}", stop.ToString(), applied.Outcome.Migrations.Count, head ?? "unchanged");
        await StopBackendAsync(stop, input.Services.First(), checks, cancellationToken);
        return new StopResult(migrations, answered, head);
    }

    /// <summary>The head the stop's migrations left, verified (null when none was pending); throws when a check failed.</summary>
    public async Task<string?> VerifyAsync(NexplaneVersion stop, MigrationOutcome outcome, IStopOnTheWay deployment, CancellationToken cancellationToken)
    {
        string? head = null;
        if (outcome.Head is not null)
        {
            var (revisions, database) = await deployment.AlembicRevisionsAsync(cancellationToken);
            head = MigrationVerdict.Head(new MigrationExpectation(outcome.Head, [], ReleaseNotesAnnounceMigrations: false), revisions, database);
            output.Information("Stop {Stop}: alembic_version holds the single head {Head}, as the backend reported", stop.ToString(), head);
        }

        var gates = await deployment.VerifyAsync(stop, cancellationToken);
        foreach (var gate in gates)
            output.Information("Stop {Stop}: {Gate}", stop.ToString(), gate.ToString());
        var failed = gates.Where(g => !g.Passed).ToArray();
        if (failed.Length > 0)
            throw new VerificationFailedException(gates,
                $"At the stop {stop} the backend failed {failed.Length} of {gates.Count} check(s), so the next hop did not start:" + Environment.NewLine +
                string.Join(Environment.NewLine, failed.Select(g => "  " + g)));
        return head;
    }

    /// <summary>The stop's backend stopped as Stop stops it, so the next hop starts at once.</summary>
    public async Task StopBackendAsync(NexplaneVersion stop, string backendService, IStopOnTheWay deployment, CancellationToken cancellationToken)
    {
        foreach (var stopped in await deployment.StopAsync([backendService], cancellationToken))
            output.Information("Stop {Stop}: {Service} ({Name}) stopped in {Seconds:0.00} s (exit {ExitCode}); the next hop starts", stop.ToString(),
                stopped.Service, stopped.Name, stopped.Seconds, stopped.ExitCode?.ToString() ?? "unknown");
    }
}

/// <summary>What passing a stop found: the migrations (or the backend that did not start), when it first answered, the head verified.</summary>
public sealed record StopResult(MigrationResult Migrations, DateTimeOffset? Answered, string? Head);
