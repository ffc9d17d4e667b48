using Nexplane.Upgrade.Backend;

namespace Nexplane.Upgrade.Runs;

/// <summary>StartBackend: the new backend and worker, followed from their migrations to a stable, healthy startup.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>The Alembic head the backend's log reported while migrating; VerifyMigrations checks the database against it.</summary>
    public string? MigrationHeadFromLogs { get; set; }

    /// <summary>
    /// Pins the new tags, starts <paramref name="services"/>, and follows the backend's migrations. A failure is
    /// recorded in the journal with the file that keeps the backend's whole output, for the rollback and the bug report.
    /// </summary>
    public async Task StartBackendAsync(IReadOnlyCollection<string> services, string stateDirectory, IBackendStart deployment,
        CancellationToken cancellationToken)
    {
        deployment.PinTags(services);
        var startedSince = await deployment.StartAsync(services, cancellationToken);

        var failureOutput = Path.Combine(stateDirectory, $"migration-output-{Report.Id}.log");
        MigrationOutcome outcome;
        try
        {
            outcome = await deployment.WatchMigrationsAsync(failureOutput, startedSince, cancellationToken);
        }
        catch (MigrationFailedException failure)
        {
            if (Journal is not null)
            {
                Journal.MigrationErrorFile = failure.OutputFile;
                Journal.Save();
            }
            // A backend that stops on its own configuration is the operator's to fix, not a bug to report.
            var configuration = File.Exists(failure.OutputFile) ? StartupFailure.ConfigurationLine(File.ReadAllText(failure.OutputFile)) : null;
            Report.NextSteps.Add(configuration is null
                ? $"Read the backend's full output in {failure.OutputFile} and attach it to the bug report."
                : $"The new backend stopped on its configuration ({configuration}): set what it names, then upgrade again.");
            Report.NextSteps.Add("The Rollback step puts the previous images back, and the backup unless PostgreSQL shows nothing committed; check its result above.");
            output.Error("The backend's full output is saved in {OutputFile}", failure.OutputFile);
            if (configuration is null)
                output.Error("What next: the Rollback step puts the previous images back, and the backup unless PostgreSQL shows nothing committed; attach that file when you report the failed migration");
            else
                output.Error("What next: the Rollback step puts the previous images back, and the backup unless PostgreSQL shows nothing committed; then set what the backend names in the deployment's .env and upgrade again");
            throw;
        }

        Report.Migrations.AddRange(outcome.Migrations.Select(m => m.ToString()));
        // The head the log reported is what VerifyMigrations checks alembic_version against. It stays null when
        // nothing was pending (the log names no revision): VerifyMigrations then has only the database to go on.
        MigrationHeadFromLogs = outcome.Head;
        if (Journal is not null)
        {
            Journal.MigrationHead = outcome.Head;
            Journal.Save();
        }
        if (outcome.Head is not null)
            Report.MigrationHead = outcome.Head;
        output.Information(outcome.Migrations.Count == 0
            ? "No migration was pending; startup completed"
            : $"{outcome.Migrations.Count} migration(s) applied, head {outcome.Head}; startup completed");

        Report.DowntimeEndedAt = await deployment.WaitUntilHealthyAsync(cancellationToken);
        output.Information("The backend answers /health again after {Seconds:0.00} s of downtime", Report.DowntimeSeconds);

        await deployment.ConfirmStableAsync(services, cancellationToken);
        output.Summary("Migrations", $"{outcome.Migrations.Count}, head {outcome.Head ?? "unchanged"}");
    }
}
