using Nexplane.Upgrade.Runbook;
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
        // The head the log reported is what VerifyMigrations checks alembic_version against. It is null when nothing
        // was pending (the log names no revision): VerifyMigrations then has only the database to go on. A resumed
        // run reads the backend's log from its start again: the record counts each migration once.
        Record.Append(new MigrationsReported(outcome.Migrations.Select(m => m.ToString()).ToArray(), outcome.Head));
        Record.Append(new BackendAnswered { At = await step.WaitUntilHealthyAsync(input, deployment, cancellationToken) });
        await step.ConfirmStableAsync(input, outcome, deployment, cancellationToken);
    }
}
