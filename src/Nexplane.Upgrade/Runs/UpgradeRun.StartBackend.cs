using System.Runtime.ExceptionServices;
using Nexplane.Upgrade.Steps.StartBackend;

namespace Nexplane.Upgrade.Runs;

/// <summary>StartBackend (Steps/StartBackend): the run hands it the services and keeps what it found.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>The Alembic head the backend's log reported while migrating; VerifyMigrations checks the database against it.</summary>
    public string? MigrationHeadFromLogs { get; set; }

    /// <summary>
    /// Starts the new backend and records the migrations and their head as soon as they are known, then the downtime's
    /// end. A failure is recorded in the journal with the file that keeps the backend's whole output (for the rollback
    /// and the bug report), then thrown.
    /// </summary>
    public async Task StartBackendAsync(IReadOnlyCollection<string> services, string stateDirectory, IBackendStart deployment,
        CancellationToken cancellationToken)
    {
        var step = new StartBackendStep(output);
        var input = new StartBackendInput(services, TagPins(services), Path.Combine(stateDirectory, $"migration-output-{Report.Id}.log"),
            Report.DowntimeStartedAt) { BeforeFileWrite = BeforeDeploymentFileWrite };
        var migrations = await step.MigrateAsync(input, deployment, cancellationToken);
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

        var outcome = ((MigrationsApplied)migrations).Outcome;
        // A resumed run reads the backend's log from its start again: the migrations the journal already has are not repeated.
        Report.Migrations.AddRange(outcome.Migrations.Select(m => m.ToString()).Where(migration => !Report.Migrations.Contains(migration)));
        // The head the log reported is what VerifyMigrations checks alembic_version against. It stays null when
        // nothing was pending (the log names no revision): VerifyMigrations then has only the database to go on.
        MigrationHeadFromLogs = outcome.Head;
        if (Journal is not null)
        {
            Journal.MigrationHead = outcome.Head;
            Journal.Migrations.Clear();
            Journal.Migrations.AddRange(Report.Migrations);
            Journal.Save();
        }
        if (outcome.Head is not null)
            Report.MigrationHead = outcome.Head;

        Report.DowntimeEndedAt = await step.WaitUntilHealthyAsync(input, deployment, cancellationToken);
        if (Journal is not null)
        {
            Journal.DowntimeEndedAt = Report.DowntimeEndedAt;
            Journal.Save();
        }
        await step.ConfirmStableAsync(input, outcome, deployment, cancellationToken);
    }
}
