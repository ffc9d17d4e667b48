using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Steps.Stop;

/// <summary>Every table's write counters when the backup's snapshot was taken, and when: Stop names the tables written since.</summary>
public sealed record WritesAtBackup(IReadOnlyDictionary<string, long> Counters, DateTimeOffset TakenAt);

/// <summary>What Stop acts on.</summary>
/// <param name="Services">The app services to stop (those present in the deployment); never a protected one.</param>
/// <param name="Backup">The backup this run took before the stop; null when it took none (no write window to report).</param>
/// <param name="RecordHorizon">Whether an upgrade's journal will keep the transaction horizon (a Stop run alone has none).</param>
public sealed record StopInput(IReadOnlyCollection<string> Services, StopSettings Settings, WritesAtBackup? Backup, bool RecordHorizon);

/// <summary>What Stop leaves for the run's record (report and journal).</summary>
/// <param name="DowntimeStartedAt">When the backend was told to stop: from then on it no longer serves.</param>
/// <param name="WriteWindowSeconds">From the backup's snapshot to the stop; null without a backup in this run.</param>
/// <param name="TablesWrittenAfterBackup">Table -> rows written in that window (not in the backup).</param>
/// <param name="Horizon">The cluster's transaction horizon once the app stopped; null when not recorded (the rollback then restores).</param>
public sealed record StopResult(
    IReadOnlyList<StoppedContainer> Stopped,
    DateTimeOffset DowntimeStartedAt,
    double? WriteWindowSeconds,
    IReadOnlyDictionary<string, long> TablesWrittenAfterBackup,
    TransactionHorizon? Horizon);

/// <summary>
/// Stop, the point of no return and the start of the downtime: stops the app services that use the database, names the
/// tables written since the backup's snapshot, records the transaction horizon a rollback's proof starts from, and
/// reports a service the engine had to kill. It decides and says; the run records the result.
/// </summary>
public sealed class StopStep(IRunOutput output, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    public async Task<StopResult> RunAsync(StopInput input, IAppStop app, CancellationToken cancellationToken)
    {
        var stopped = await app.StopAsync(input.Services, cancellationToken);
        var downtimeStartedAt = stopped.Where(c => c.Service == input.Settings.BackendService).Select(c => (DateTimeOffset?)c.AppSignalledAt).Min()
                                ?? _clock.UtcNow;
        var (windowSeconds, written) = await MeasureWriteWindowAsync(input, app, cancellationToken);
        var horizon = input.RecordHorizon ? await RecordTransactionHorizonAsync(app, cancellationToken) : null;
        foreach (var killed in stopped.Where(c => c.WasKilled))
            output.Warning("{Service} was killed after " + input.Settings.StopTimeoutOption + " {Timeout}: requests it was serving were cut off",
                killed.Service, input.Settings.StopTimeout);
        output.Summary("Stopped", string.Join(", ", stopped.Select(c => $"{c.Service} {c.Seconds:0.0}s exit {c.ExitCode}")));
        return new StopResult(stopped, downtimeStartedAt, windowSeconds, written, horizon);
    }

    /// <summary>
    /// The runbook backs up while the app still serves: writes after the backup's snapshot are not in it. Once the app
    /// is stopped, name the tables written in that window (the rollback keeps the failed database, so they are never
    /// destroyed, but a restore does not carry them), and how to avoid it.
    /// </summary>
    async Task<(double? Seconds, IReadOnlyDictionary<string, long> Written)> MeasureWriteWindowAsync(StopInput input, IAppStop app,
        CancellationToken cancellationToken)
    {
        if (input.Backup is not { } backup)
            return (null, new Dictionary<string, long>());
        var written = WriteActivity.Written(backup.Counters, await app.CaptureWriteCountersAsync(cancellationToken));
        var seconds = Math.Round((_clock.UtcNow - backup.TakenAt).TotalSeconds, 3);
        if (written.Count == 0)
            output.Information("Write window: no table was written in the {Seconds:0.0} s between the backup and the stop", seconds);
        else
            output.Warning("Write window: {Count} table(s) were written in the {Seconds:0.0} s between the backup and the stop ({Tables}); " +
                           "a rollback that restores the backup keeps those writes in the replaced database, not in the restored one " +
                           "(one that PostgreSQL proves needs no restore keeps them in the live database). " + input.Settings.AvoidingTheWriteWindow,
                written.Count, seconds, string.Join(", ", written.Select(t => $"{t.Key}: {t.Value} rows")));
        return (seconds, written);
    }

    /// <summary>
    /// Once the app is stopped, the cluster's transaction horizon. A failure only costs the rollback its proof (it then
    /// restores), so it is a warning, never a failed Stop.
    /// </summary>
    async Task<TransactionHorizon?> RecordTransactionHorizonAsync(IDatabaseHorizon database, CancellationToken cancellationToken)
    {
        try
        {
            var horizon = await database.RecordTransactionHorizonAsync(cancellationToken);
            output.Information("Transaction horizon at Stop: next transaction id {Xmax}, {Running} in progress, alembic_version {Revisions}; " +
                               "a rollback skips the restore only if PostgreSQL shows nothing committed after it",
                horizon.Xmax, horizon.InProgress.Count, string.Join(",", horizon.AlembicRevisions));
            return horizon;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            output.Warning("The transaction horizon could not be recorded ({Reason}): a rollback will restore the backup", exception.Message);
            return null;
        }
    }
}
