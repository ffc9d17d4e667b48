using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps.Stop;

namespace Nexplane.Upgrade.Runs;

/// <summary>Stop (Steps/Stop): the run hands it the backup's write counters and keeps what it found.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>Stops the app services that use the database; the downtime, the write window and the horizon go into the record.</summary>
    public async Task StopAppAsync(IReadOnlyCollection<string> services, StopSettings settings, IAppStop app, CancellationToken cancellationToken)
    {
        // Pull waits for the backup's verdict; this is for a run that skipped Pull.
        await EnsureBackupVerifiedAsync();
        var result = await new StopStep(output, Clock).RunAsync(new StopInput(services, settings, _writesAtBackup, RecordHorizon: Journal is not null), app,
            cancellationToken);

        if (result.WriteWindowSeconds is { } window)
            Report.WriteWindowSeconds = window;
        foreach (var (table, rows) in result.TablesWrittenAfterBackup)
            Report.TablesWrittenAfterBackup[table] = rows;
        if (Journal is not null && result.Horizon is { } horizon)
            Journal.TransactionHorizon = horizon;
        // Saved with the horizon in one write. A resumed run that stops again keeps the downtime's start from the
        // interrupted run's Stop: it began there (the record keeps the first).
        Record.Append(new DowntimeBegan { At = result.DowntimeStartedAt });
    }
}
