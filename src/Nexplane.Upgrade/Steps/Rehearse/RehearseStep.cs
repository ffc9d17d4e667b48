using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Backup;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>What Rehearse acts on: the checks an upgrade's Preflight would make, and the rehearsal's own options.</summary>
public sealed record RehearseInput(PreflightSettings PreflightSettings, RehearsalOptions Options);

/// <summary>What a passing rehearsal leaves: its report (with the database it rehearsed), and the file it is kept in for the upgrade's Preflight.</summary>
public sealed record RehearseResult(RehearsalReport Report, string ReportFile);

/// <summary>
/// Rehearse: the upgrade against a throwaway copy of the deployment (database from a backup). Preflight's checks run
/// first (no journal, no lock); the backup to load is chosen, or a fresh one taken when none is recent enough; the
/// report is kept for the upgrade's Preflight. The deployment is only read. Throws when the rehearsal failed, saying the
/// deployment was not touched.
/// </summary>
public sealed class RehearseStep(IRunOutput output, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    public async Task<RehearseResult> RunAsync(RehearseInput input, IRehearsalDeployment deployment, CancellationToken cancellationToken)
    {
        var options = input.Options;
        var preflight = await PreflightAsync(input.PreflightSettings, deployment, cancellationToken);
        var database = await deployment.DatabaseIdentityAsync(cancellationToken);
        var archive = await ArchiveAsync(preflight, deployment, database, options, input.PreflightSettings.Advice, cancellationToken);
        var report = await deployment.RehearseAsync(preflight, archive, options.Reports.Directory, cancellationToken) with { Database = database };
        var path = options.Reports.Save(report);
        var route = UpgradePath.RouteOf(report.FromVersion, report.Stops, report.ToVersion);
        output.Information("Rehearsal {Route}: {Verdict} in {Seconds:0.0} s; report {Path}", route, report.Verdict, report.Seconds, path);
        foreach (var migration in report.Migrations)
            output.Information("  migration {From} -> {To}, {Description}: {Seconds:0.00} s", migration.From, migration.To, migration.Description,
                migration.Seconds);
        if (report.PredictedDowntime is { } downtime)
            output.Information("Predicted downtime of the real upgrade: {Downtime}", downtime.ToString());
        output.Summary("Rehearsal", $"{route} {report.Verdict}");
        if (report.PredictedDowntime is { } predicted)
            output.Summary("Predicted downtime", $"{predicted.Seconds:0.0} s");
        if (!report.Passed)
            throw new InvalidOperationException($"The rehearsal of {report.FromVersion} -> {report.ToVersion} failed at {report.FailedStep}: " +
                                                $"{report.Reason} The deployment was not touched; the throwaway copy is removed.");
        return new RehearseResult(report, path);
    }

    /// <summary>Preflight's checks, read-only; the gates an upgrade would refuse on are shown, and only those that leave nothing to rehearse stop it.</summary>
    async Task<PreflightReport> PreflightAsync(PreflightSettings settings, IRehearsalDeployment deployment, CancellationToken cancellationToken)
    {
        var backendService = deployment.Deployment.BackendService;
        var preflight = await deployment.PreflightAsync(
            settings with { Agents = settings.Agents with { Skip = true, UpgradeRequested = false }, ForRehearsal = true }, cancellationToken);
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
    async Task<string> ArchiveAsync(PreflightReport preflight, IDatabaseBackup database, DatabaseIdentity live, RehearsalOptions options,
        OperatorAdvice advice, CancellationToken cancellationToken)
    {
        var files = new BackupFiles(options.Backups.Directory);
        var choice = RehearsalBackup.Choose(options.BackupFile, files.List(), preflight.Current!.ToString(), _clock.UtcNow, options.BackupMaxAge,
            (archive, manifest) => BackupFiles.Sha256Of(archive) == manifest.Sha256, live, advice);
        if (!choice.TakeFreshBackup)
        {
            output.Information("Rehearsing on {Archive} ({Reason})", choice.Archive, choice.Reason);
            return choice.Archive!;
        }
        output.Information("Taking a fresh backup to rehearse on: {Reason}", choice.Reason);
        var written = await database.BackUpAsync(preflight.Current.ToString(),
            preflight.Services.ToDictionary(service => service.Service, service => service.From.ToString()), options.Backups, cancellationToken);
        var manifest = await written.Verified;
        new BackupStep(output, _clock).ApplyRetention(options.Backups);
        return Path.Combine(files.Directory, manifest.ArchiveFile);
    }
}
