using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Preflight;
using System.Runtime.ExceptionServices;
using Nexplane.Upgrade.Steps.StartBackend;

namespace Nexplane.Upgrade.Runs;

/// <summary>StartBackend (Steps/StartBackend): the run hands it the services and keeps what it found.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>The Alembic head the backend's log reported while migrating (this run's, or the resumed one's); VerifyMigrations checks the database against it.</summary>
    public string? MigrationHeadFromLogs => Record.HeadFromLogs;

    /// <summary>
    /// Starts the new backend and records the migrations and their head as soon as they are known, then the downtime's
    /// end. On a path through stops, the backend first passes each stop still ahead (<see cref="StopOnTheWay"/>), each
    /// recorded once passed, so a resumed run goes on from the next. A failure is recorded in the journal with the file
    /// that keeps the backend's whole output (for the rollback and the bug report), then thrown.
    /// </summary>
    public async Task StartBackendAsync(IReadOnlyCollection<string> services, string stateDirectory, IBackendStart deployment,
        IStopOnTheWay stopChecks, CancellationToken cancellationToken)
    {
        var step = new StartBackendStep(output);
        foreach (var stop in StopsAhead)
            await PassStopAsync(step, stop, stateDirectory, deployment, stopChecks, cancellationToken);

        var input = new StartBackendInput(services, TagPins(services), Path.Combine(stateDirectory, $"migration-output-{Report.Id}.log"),
            Report.DowntimeStartedAt) { BeforeFileWrite = BeforeDeploymentFileWrite };
        var lastStop = Record.PassedStops.LastOrDefault();
        if (lastStop is not null)
            output.Information("Hop {From} -> {To}, the target: {Services} start on {To}", lastStop.Version, TargetVersion.ToString(), string.Join(", ", services));
        MigrationOutcome outcome;
        try
        {
            outcome = await MigrateOrThrowAsync(step, input, deployment, cancellationToken);
            // The head the log reported is what VerifyMigrations checks alembic_version against. It is null when nothing
            // was pending (the log names no revision): VerifyMigrations then has only the database to go on. A resumed
            // run reads the backend's log from its start again: the record counts each migration once.
            Record.Append(new MigrationsReported(outcome.Migrations.Select(m => m.ToString()).ToArray(), outcome.Head));
            Record.Append(new BackendAnswered { At = await step.WaitUntilHealthyAsync(input, deployment, cancellationToken) });
            SayDowntimeByHop();
            await step.ConfirmStableAsync(input, outcome, deployment, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && lastStop is not null)
        {
            HopFailed(lastStop.Version, TargetVersion.ToString());
            throw;
        }
        if (Record.PassedStops.Count > 0)
            output.Summary("Migrations", $"{Record.Migrations.Count} over {Record.PassedStops.Count + 1} hops, head {Record.HeadFromLogs ?? "unchanged"}");
    }

    /// <summary>The stops on the way Preflight planned that this upgrade has not passed yet (a resumed run's are fewer).</summary>
    IReadOnlyList<UpgradeStop> StopsAhead =>
        Preflight?.Stops.Where(stop => Record.PassedStops.All(passed => passed.Version != stop.Version.ToString())).ToArray() ?? [];

    /// <summary>One hop: the backend alone on the stop's image, its migrations followed, then checked on that version.</summary>
    async Task PassStopAsync(StartBackendStep step, UpgradeStop stop, string stateDirectory, IBackendStart deployment, IStopOnTheWay checks,
        CancellationToken cancellationToken)
    {
        var from = Record.PassedStops.LastOrDefault()?.Version ?? Preflight?.Current?.ToString() ?? "?";
        output.Information("Hop {From} -> {Stop}: {Service} alone starts on {Image}, runs that release's migrations and is checked before the next hop",
            from, stop.Version.ToString(), stop.Backend.Service, stop.Backend.To.ToString());
        var input = new StartBackendInput([stop.Backend.Service], [(stop.Backend.Service, stop.Backend.To.Tag!)],
            Path.Combine(stateDirectory, $"migration-output-{Report.Id}-{stop.Version}.log"), Report.DowntimeStartedAt) { BeforeFileWrite = BeforeDeploymentFileWrite };
        try
        {
            var passed = await new StopOnTheWay(output).PassAsync(stop.Version, input, step, deployment, checks,
                outcome => Record.Append(new MigrationsReported(outcome.Migrations.Select(m => m.ToString()).ToArray(), outcome.Head)), cancellationToken);
            ThrowIfNotStarted(passed.Migrations);
            Record.Append(new StopPassed(stop.Version.ToString(), passed.Answered!.Value, passed.Head));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            HopFailed(from, stop.Version.ToString());
            throw;
        }
    }

    /// <summary>Which hop of a path through stops failed, said before the rollback returns the whole path to its start.</summary>
    void HopFailed(string from, string to)
    {
        output.Error("The hop {From} -> {To} failed; the whole upgrade is rolled back to {Start}, never left at a version on the way",
            from, to, Preflight?.Current?.ToString() ?? "the version it started from");
        Report.NextSteps.Add($"The upgrade failed at the hop {from} -> {to} of {Preflight?.Path?.Route ?? "its path"}.");
    }

    /// <summary>Follows the migrations of one start to the backend's startup; a backend that did not start is recorded and thrown.</summary>
    async Task<MigrationOutcome> MigrateOrThrowAsync(StartBackendStep step, StartBackendInput input, IBackendStart deployment, CancellationToken cancellationToken)
    {
        var migrations = await step.MigrateAsync(input, deployment, cancellationToken);
        ThrowIfNotStarted(migrations);
        return ((MigrationsApplied)migrations).Outcome;
    }

    /// <summary>A backend that did not start: the file with its output is recorded in the journal, the next steps said, the failure thrown.</summary>
    void ThrowIfNotStarted(MigrationResult migrations)
    {
        if (migrations is BackendDidNotStart failed)
        {
            if (Journal is not null)
            {
                Journal.MigrationErrorFile = failed.Failure.OutputFile;
                Journal.Save();
            }
            Report.NextSteps.AddRange(failed.NextSteps);
            ExceptionDispatchInfo.Throw(failed.Failure);
        }
    }

    /// <summary>
    /// A path through stops has one downtime window; each hop's share of it runs to the backend's first answer on that
    /// version (a stop's checks count to the next hop).
    /// </summary>
    void SayDowntimeByHop()
    {
        var stops = Record.PassedStops;
        if (stops.Count == 0 || Record.DowntimeStartedAt is not { } start || Record.DowntimeEndedAt is not { } end)
            return;
        var shares = new List<string>();
        var from = Preflight?.Current?.ToString() ?? "?";
        var since = start;
        foreach (var stop in stops)
        {
            shares.Add($"{from} -> {stop.Version} {(stop.Answered - since).TotalSeconds:0.0} s");
            (from, since) = (stop.Version, stop.Answered);
        }
        shares.Add($"{from} -> {TargetVersion} {(end - since).TotalSeconds:0.0} s");
        output.Information("Downtime by hop: {Shares}", string.Join(", ", shares));
        output.Summary("Hops", string.Join(", ", shares));
    }
}
