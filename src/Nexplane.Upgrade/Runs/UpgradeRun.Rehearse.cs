using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Preflight;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Backup;

namespace Nexplane.Upgrade.Runs;

/// <summary>What a rehearsal needs beyond the deployment: the backup to load and where the rehearsals' reports are kept.</summary>
/// <param name="BackupFile">The backup to load; null to choose the newest verified backup of the running version.</param>
/// <param name="BackupMaxAge">An older backup is replaced by a fresh one.</param>
public sealed record RehearsalOptions(string? BackupFile, TimeSpan BackupMaxAge, BackupPolicy Backups, RehearsalReports Reports);

/// <summary>
/// Rehearse: the upgrade against a throwaway copy of the deployment (database from a backup), and what Preflight says
/// of the last rehearsal. The deployment is only read; a backup may be taken when none is recent enough.
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// Preflight's checks (no journal, no lock), the backup to load, the rehearsal on a throwaway copy, its report
    /// saved for the upgrade's Preflight. Throws when the rehearsal failed, saying the deployment was not touched.
    /// </summary>
    public async Task<RehearsalReport> RehearseAsync(PreflightSettings preflightSettings, IRehearsalDeployment deployment, RehearsalOptions options,
        CancellationToken cancellationToken)
    {
        var preflight = await RehearsalPreflightAsync(preflightSettings, deployment, cancellationToken);
        var database = await deployment.DatabaseIdentityAsync(cancellationToken);
        var archive = await RehearsalArchiveAsync(preflight, deployment, database, options, cancellationToken);
        var report = await deployment.RehearseAsync(preflight, archive, options.Reports.Directory, cancellationToken) with { Database = database };
        var path = options.Reports.Save(report);
        output.Information("Rehearsal {From} -> {To}: {Verdict} in {Seconds:0.0} s; report {Path}", report.FromVersion, report.ToVersion,
            report.Verdict, report.Seconds, path);
        foreach (var migration in report.Migrations)
            output.Information("  migration {From} -> {To}, {Description}: {Seconds:0.00} s", migration.From, migration.To, migration.Description,
                migration.Seconds);
        if (report.PredictedDowntime is { } downtime)
            output.Information("Predicted downtime of the real upgrade: {Downtime}", downtime.ToString());
        output.Summary("Rehearsal", $"{report.FromVersion} -> {report.ToVersion} {report.Verdict}");
        if (report.PredictedDowntime is { } predicted)
            output.Summary("Predicted downtime", $"{predicted.Seconds:0.0} s");
        if (report.FailureOutputFile is { } failureOutput)
            output.Error("The rehearsed backend's full output is saved in {OutputFile}", failureOutput);
        if (!report.Passed)
            throw new InvalidOperationException($"The rehearsal of {report.FromVersion} -> {report.ToVersion} failed at {report.FailedStep}: " +
                                                $"{report.Reason} The deployment was not touched; the throwaway copy is removed.");
        return report;
    }

    /// <summary>Preflight's checks, read-only; the gates an upgrade would refuse on are shown, and only those that leave nothing to rehearse stop it.</summary>
    async Task<PreflightReport> RehearsalPreflightAsync(PreflightSettings settings, IRehearsalDeployment deployment, CancellationToken cancellationToken)
    {
        var backendService = deployment.Deployment.BackendService;
        var preflight = await deployment.PreflightAsync(
            settings with { Agents = settings.Agents with { Skip = true, UpgradeRequested = false } }, cancellationToken);
        if (preflight.Path is { } path)
            foreach (var line in PreflightDigest.Lines(path))
                output.Line(line);
        foreach (var notice in preflight.Notices)
            output.Warning("{Notice}", notice);
        var blocking = preflight.Failures.Where(f => f.Gate is "current-version" or "image" or "database" or "docker" or "deployment").ToArray();
        foreach (var failure in preflight.Failures.Except(blocking))
            output.Warning("The upgrade would refuse this, the rehearsal shows what happens: [{Gate}] {Message}", failure.Gate, failure.Message);
        if (blocking.Length > 0 || preflight.Current is null || !preflight.Services.Any(s => s.Service == backendService))
            throw new InvalidOperationException("Nothing to rehearse; Preflight found:" + Environment.NewLine +
                                                string.Join(Environment.NewLine, blocking.Select(f => $"  [{f.Gate}] {f.Message}")));
        return preflight;
    }

    /// <summary>The named backup, else the newest verified backup of the running version if recent enough, else a fresh, verified one.</summary>
    async Task<string> RehearsalArchiveAsync(PreflightReport preflight, IDatabaseBackup database, DatabaseIdentity live, RehearsalOptions options,
        CancellationToken cancellationToken)
    {
        var files = new BackupFiles(options.Backups.Directory);
        var choice = RehearsalBackup.Choose(options.BackupFile, files.List(), preflight.Current!.ToString(), DateTimeOffset.UtcNow, options.BackupMaxAge,
            (archive, manifest) => BackupFiles.Sha256Of(archive) == manifest.Sha256, live);
        if (!choice.TakeFreshBackup)
        {
            output.Information("Rehearsing on {Archive} ({Reason})", choice.Archive, choice.Reason);
            return choice.Archive!;
        }
        output.Information("Taking a fresh backup to rehearse on: {Reason}", choice.Reason);
        var written = await database.BackUpAsync(preflight.Current.ToString(),
            preflight.Services.ToDictionary(service => service.Service, service => service.From.ToString()), options.Backups, cancellationToken);
        var manifest = await written.Verified;
        foreach (var deleted in files.Prune(options.Backups.Retention))
            output.Information("Retention ({Keep}): deleted the older backup {Archive}", options.Backups.Retention, Path.GetFileName(deleted));
        return Path.Combine(files.Directory, manifest.ArchiveFile);
    }

    /// <summary>Preflight shows the last rehearsal of this path; when one is required, a missing passing one is a gate that fails.</summary>
    /// <param name="database">The database there now: only a rehearsal of it counts (null: any, e.g. it could not be read).</param>
    public PreflightReport WithRehearsalGate(PreflightReport preflight, RehearsalReports rehearsals, string composeFile, bool required,
        DatabaseIdentity? database)
    {
        if (preflight.Current is not { } current)
            return required
                ? preflight with { Failures = [.. preflight.Failures, new UpgradeGateFailure("rehearsal",
                    $"{Setting.RequireRehearsal.Flag()}: the running version is unknown, so no rehearsal can be matched.")] }
                : preflight;
        var (from, to) = (current.ToString(), preflight.Target.ToString());
        var last = rehearsals.LastOf(composeFile, from, to, database);
        output.Information("{Rehearsal}", RehearsalRequirement.Describe(last, from, to, DateTimeOffset.UtcNow));
        return RehearsalRequirement.Refusal(required, rehearsals.LastPassingOf(composeFile, from, to, database), last, from, to) is { } refusal
            ? preflight with { Failures = [.. preflight.Failures, new UpgradeGateFailure("rehearsal", refusal)] }
            : preflight;
    }
}
