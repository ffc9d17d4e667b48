namespace Nexplane.Upgrade.Runs;

/// <summary>Stop: the point of no return, and the start of the downtime.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// Stops the app services that use the database. The downtime starts when the backend was signalled; the tables
    /// written since the backup are named; a service the engine had to kill is reported.
    /// </summary>
    public async Task StopAppAsync(IReadOnlyCollection<string> services, StopSettings settings, IAppStop app, CancellationToken cancellationToken)
    {
        // Pull waits for the backup's verdict; this is for a run that skipped Pull.
        await EnsureBackupVerifiedAsync();
        var stopped = await app.StopAsync(services, cancellationToken);

        Report.DowntimeStartedAt = stopped.Where(c => c.Service == settings.BackendService).Select(c => (DateTimeOffset?)c.AppSignalledAt).Min()
                                   ?? DateTimeOffset.UtcNow;
        await ReportWriteWindowAsync(app.CaptureWriteCountersAsync, settings.AvoidingTheWriteWindow, cancellationToken);
        await RecordTransactionHorizonAsync(app, cancellationToken);
        foreach (var killed in stopped.Where(c => c.WasKilled))
            output.Warning("{Service} was killed after " + settings.StopTimeoutOption + " {Timeout}: requests it was serving were cut off",
                killed.Service, settings.StopTimeout);
        output.Summary("Stopped", string.Join(", ", stopped.Select(c => $"{c.Service} {c.Seconds:0.0}s exit {c.ExitCode}")));
    }
}
