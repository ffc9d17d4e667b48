using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.StartBackend;

/// <summary>What StartBackend acts on.</summary>
/// <param name="Services">The app services to start on their new tags (those present in the deployment).</param>
/// <param name="Pins">Each of those services' new tag, pinned where the deployment keeps it before they start.</param>
/// <param name="OutputFile">Where the backend's whole output during its start-up is saved; a failure names it.</param>
/// <param name="DowntimeStartedAt">When Stop stopped the backend (null when this run does not know it): the downtime is said.</param>
public sealed record StartBackendInput(IReadOnlyCollection<string> Services, IReadOnlyList<(string Service, string Tag)> Pins, string OutputFile,
    DateTimeOffset? DowntimeStartedAt)
{
    /// <summary>Told each deployment file's path and new text before it is written (the journal keeps what a rollback restores).</summary>
    public Action<string, string>? BeforeFileWrite { get; init; }

    /// <summary>What follows a backend that did not start, said with the failure: an upgrade's Rollback, unless a rehearsal says otherwise.</summary>
    public AfterAFailedStart AfterAFailure { get; init; } = AfterAFailedStart.Rollback;
}

/// <summary>
/// What follows a backend that did not start: <see cref="WhatNext"/> in the error line, <see cref="NextStep"/> among the
/// next steps, and <see cref="Again"/> what the operator does once the backend's configuration is fixed.
/// </summary>
public sealed record AfterAFailedStart(string WhatNext, string NextStep, string Again)
{
    /// <summary>An upgrade's: the Rollback step comes next.</summary>
    public static readonly AfterAFailedStart Rollback = new(
        "the Rollback step puts the previous images back, and the backup unless PostgreSQL shows nothing committed",
        "The Rollback step puts the previous images back, and the backup unless PostgreSQL shows nothing committed; check its result above.",
        "upgrade again");
}

/// <summary>How the backend's migrations ended: applied up to its startup, or failed with what the operator does next.</summary>
public abstract record MigrationResult;

/// <summary>The migrations the backend applied before it reported its startup complete.</summary>
public sealed record MigrationsApplied(MigrationOutcome Outcome) : MigrationResult;

/// <summary>The backend did not start; <see cref="Failure"/> names the file that keeps its output. The rollback comes next.</summary>
public sealed record BackendDidNotStart(MigrationFailedException Failure, IReadOnlyList<string> NextSteps) : MigrationResult;

/// <summary>
/// StartBackend, in three calls so the run records the migration head and the downtime's end the moment each is known
/// (a resumed run reads the head from the journal): <see cref="MigrateAsync"/> pins the new tags, starts the services
/// and follows the backend's migrations to its startup; <see cref="WaitUntilHealthyAsync"/> and
/// <see cref="ConfirmStableAsync"/> wait for its health endpoint and confirm the services stay up. It decides and says;
/// the run records the results.
/// </summary>
public sealed class StartBackendStep(IRunOutput output)
{
    public async Task<MigrationResult> MigrateAsync(StartBackendInput input, IBackendStart deployment, CancellationToken cancellationToken)
    {
        deployment.PinTags(input.Pins, input.BeforeFileWrite);
        var startedSince = await deployment.StartAsync(input.Services, cancellationToken);

        MigrationOutcome outcome;
        try
        {
            outcome = await deployment.WatchMigrationsAsync(input.OutputFile, startedSince, cancellationToken);
        }
        catch (MigrationFailedException failure)
        {
            // A backend that did not start is not waited for: the rollback comes next.
            return DidNotStart(failure, input.AfterAFailure);
        }

        output.Information("{Summary:l}; the backend's output during its start-up is saved in {OutputFile}", outcome.Migrations.Count == 0
            ? "No migration was pending; startup completed"
            : $"{outcome.Migrations.Count} migration(s) applied, head {outcome.Head}; startup completed", input.OutputFile);
        return new MigrationsApplied(outcome);
    }

    /// <summary>Returns when the backend first answered /health: the downtime's end.</summary>
    public async Task<DateTimeOffset> WaitUntilHealthyAsync(StartBackendInput input, IBackendStart deployment, CancellationToken cancellationToken)
    {
        var healthyAt = await deployment.WaitUntilHealthyAsync(cancellationToken);
        if (input.DowntimeStartedAt is { } start)
            output.Information("The backend answers /health again after {Seconds:0.00} s of downtime", Math.Round((healthyAt - start).TotalSeconds, 3));
        else
            // A journal written before the downtime's start was recorded: no figure rather than a wrong one.
            output.Information("The backend answers /health again; when its downtime began is not recorded");
        return healthyAt;
    }

    /// <summary>The started services keep running, without a restart, through the stability window.</summary>
    public async Task ConfirmStableAsync(StartBackendInput input, MigrationOutcome outcome, IBackendStart deployment, CancellationToken cancellationToken)
    {
        await deployment.ConfirmStableAsync(input.Services, cancellationToken);
        output.Summary("Migrations", $"{outcome.Migrations.Count}, head {outcome.Head ?? "unchanged"}");
    }

    BackendDidNotStart DidNotStart(MigrationFailedException failure, AfterAFailedStart after)
    {
        // A backend that stops on its own configuration is the operator's to fix, not a bug to report.
        var configuration = StartupFailure.ConfigurationLineIn(failure.OutputFile);
        var nextSteps = new[]
        {
            configuration is null
                ? $"Read the backend's full output in {failure.OutputFile} and attach it to the bug report."
                : $"The new backend stopped on its configuration ({configuration}): set what it names, then {after.Again}.",
            after.NextStep,
        };
        output.Error("The backend's full output is saved in {OutputFile}", failure.OutputFile);
        output.Error(configuration is null
            ? $"What next: {after.WhatNext}; attach that file when you report the failed migration"
            : $"What next: {after.WhatNext}; then set what the backend names in the deployment's .env and {after.Again}");
        return new BackendDidNotStart(failure, nextSteps);
    }
}
