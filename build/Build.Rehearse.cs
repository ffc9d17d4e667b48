using System.Diagnostics;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Preflight;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Releases;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

/// <summary>
/// Rehearse, then upgrade: the upgrade run against a throwaway copy of the deployment, and the rehearsal's verdict
/// shown (and, with --require-rehearsal, demanded) by the upgrade's Preflight.
/// </summary>
partial class Build
{
    [Parameter("Rehearse on the newest verified backup of the running version only when it is younger than this, else take a fresh one, e.g. 24h")]
    readonly TimeSpan RehearsalBackupMaxAge = TimeSpan.FromHours(24);

    [Parameter("Upgrade only when a passing rehearsal of the same from/to versions exists for this deployment (./build.sh Rehearse)")]
    readonly bool RequireRehearsal;

    RehearsalReports Rehearsals => new(TemporaryDirectory / "rehearsals");

    /// <summary>
    /// Read-only for the deployment: Preflight's checks (no journal, no lock), a backup when there is no recent one,
    /// and the rest happens on a throwaway copy that is removed again.
    /// </summary>
    Target Rehearse => _ => _
        .Description("Runs the upgrade to --version on a throwaway copy (database from a backup); changes nothing of the deployment")
        .Requires(() => Version)
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(async cancellationToken =>
        {
            _deployment ??= ResolveDeployment(StepParameterProblems());
            var preflight = await RehearsalPreflightAsync(cancellationToken);
            var archive = await RehearsalArchiveAsync(preflight, cancellationToken);
            var settings = await RehearsalSettingsAsync(preflight, archive, cancellationToken);
            var report = await new Rehearsal(await DockerAsync(cancellationToken), Http, LogLine, line => Log.Warning("{Warning}", line), SecretRedactor.Redact)
                .RunAsync(settings, MeasureComposeStartupAsync, cancellationToken);
            var path = Rehearsals.Save(report);
            Log.Information("Rehearsal {From} -> {To}: {Verdict} in {Seconds:0.0} s; report {Path}", report.FromVersion, report.ToVersion, report.Verdict, report.Seconds, path);
            foreach (var migration in report.Migrations)
                Log.Information("  migration {From} -> {To}, {Description}: {Seconds:0.00} s", migration.From, migration.To, migration.Description, migration.Seconds);
            if (report.PredictedDowntime is { } downtime)
                Log.Information("Predicted downtime of the real upgrade: {Downtime}", downtime.ToString());
            ReportSummary(summary =>
            {
                summary["Rehearsal"] = $"{report.FromVersion} -> {report.ToVersion} {report.Verdict}";
                if (report.PredictedDowntime is { } predicted)
                    summary["Predicted downtime"] = $"{predicted.Seconds:0.0} s";
            });
            if (report.FailureOutputFile is { } output)
                Log.Error("The rehearsed backend's full output is saved in {OutputFile}", output);
            if (!report.Passed)
                throw new InvalidOperationException($"The rehearsal of {report.FromVersion} -> {report.ToVersion} failed at {report.FailedStep}: {report.Reason} " +
                                                    "The deployment was not touched; the throwaway copy is removed.");
        });

    /// <summary>Preflight's checks, read-only; the gates an upgrade would refuse on are shown, and only those that leave nothing to rehearse stop it.</summary>
    async Task<PreflightReport> RehearsalPreflightAsync(CancellationToken cancellationToken)
    {
        var preflight = await new PreflightCheck(Http, LogLine).RunAsync(PreflightSettingsOfDeployment() with { SkipAgents = true, UpgradeAgents = false }, cancellationToken);
        if (preflight.Path is { } path)
            foreach (var line in PreflightDigest.Lines(path))
                LogLine(line);
        foreach (var notice in preflight.Notices)
            Log.Warning("{Notice}", notice);
        var blocking = preflight.Failures.Where(f => f.Gate is "current-version" or "image" or "database" or "docker" or "deployment").ToArray();
        foreach (var failure in preflight.Failures.Except(blocking))
            Log.Warning("The upgrade would refuse this, the rehearsal shows what happens: [{Gate}] {Message}", failure.Gate, failure.Message);
        if (blocking.Length > 0 || preflight.Current is null || !preflight.Services.Any(s => s.Service == BackendService))
            throw new InvalidOperationException("Nothing to rehearse; Preflight found:" + Environment.NewLine +
                                                string.Join(Environment.NewLine, blocking.Select(f => $"  [{f.Gate}] {f.Message}")));
        return preflight;
    }

    /// <summary>--backup-file, else the newest verified backup of the running version if recent enough, else a fresh, verified one.</summary>
    async Task<string> RehearsalArchiveAsync(PreflightReport preflight, CancellationToken cancellationToken)
    {
        var files = new BackupFiles(BackupDirectoryPath);
        var choice = RehearsalBackup.Choose(BackupFile, files.List(), preflight.Current!.ToString(), DateTimeOffset.UtcNow, RehearsalBackupMaxAge,
            (archive, manifest) => BackupFiles.Sha256Of(archive) == manifest.Sha256);
        if (!choice.TakeFreshBackup)
        {
            Log.Information("Rehearsing on {Archive} ({Reason})", choice.Archive, choice.Reason);
            return choice.Archive!;
        }
        Log.Information("Taking a fresh backup to rehearse on: {Reason}", choice.Reason);
        var (exec, containerId) = await DatabaseContainerAsync(cancellationToken);
        var manifest = await new BackupService(files, exec, LogLine).BackUpAsync(new BackupRequest(
            DatabaseTarget, BackupMode, BackupFormat, preflight.Current.ToString(),
            preflight.Services.ToDictionary(service => service.Service, service => service.From.ToString()), containerId), cancellationToken);
        foreach (var deleted in files.Prune(BackupRetention))
            Log.Information("Retention ({Keep}): deleted the older backup {Archive}", BackupRetention, Path.GetFileName(deleted));
        return Path.Combine(files.Directory, manifest.ArchiveFile);
    }

    async Task<RehearsalSettings> RehearsalSettingsAsync(PreflightReport preflight, string archive, CancellationToken cancellationToken)
    {
        // compose's own view of the deployment: interpolated, env_file merged. It holds secrets: parsed, never logged.
        var config = await CommandRunner.RunAsync((await ComposeAsync(cancellationToken)).Config(), cancellationToken: cancellationToken);
        if (!config.Succeeded)
            throw new InvalidOperationException($"compose config of {ComposeFilePath} failed (exit code {config.ExitCode}): " +
                                                SecretRedactor.Redact(string.Join(" ", config.StandardError.TakeLast(5))));
        var services = ComposeConfig.Parse(string.Join("\n", config.StandardOutput));
        var frontend = preflight.Services.FirstOrDefault(s => s.Service == FrontendService);
        var database = services.FirstOrDefault(s => s.Name == DatabaseService)
            ?? throw new InvalidOperationException($"The compose file has no {DatabaseService} service (--database-service) to copy.");
        return new RehearsalSettings
        {
            Id = $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}",
            ComposeFile = ComposeFilePath,
            From = preflight.Current!,
            Target = preflight.Target,
            Services = services,
            DatabaseService = DatabaseService,
            SupportingServices = ProtectedServices.Where(s => s != DatabaseService && services.Any(r => r.Name == s)).ToArray(),
            BackendService = BackendService,
            BackendImage = preflight.Services.First(s => s.Service == BackendService).To,
            FrontendService = frontend is null || Deployment.FrontendUrl is null ? null : FrontendService,
            FrontendImage = frontend is null || Deployment.FrontendUrl is null ? null : frontend.To,
            ApiUrl = ApiUri,
            FrontendUrl = Deployment.FrontendUrl,
            VersionEndpoints = Deployment.VersionEndpoints,
            FrontendVersionEndpoint = string.IsNullOrWhiteSpace(FrontendVersionEndpoint) ? null : VersionEndpoint.Parse(FrontendVersionEndpoint),
            Database = DatabaseTarget,
            DatabasePortInCopy = database.UsesHostNetwork ? DatabasePort : DatabaseContainerPort,
            Archive = archive,
            RestoreJobs = RestoreJobs,
            RevisionsBefore = BackupManifest.Read(BackupManifest.PathFor(archive)).AlembicRevisions,
            AnnouncesMigrations = preflight.Path?.AnnouncesMigrations ?? false,
            LoginEmail = LoginEmail,
            LoginPassword = LoginPasswordOfDeployment,
            MigrationTimeout = MigrationTimeout,
            HealthTimeout = HealthTimeout,
            StabilityWindow = StabilityWindow,
            StateDirectory = Rehearsals.Directory,
        };
    }

    /// <summary>The compose CLI's start, timed on a read-only command: the real upgrade pays it inside the downtime.</summary>
    async Task<double> MeasureComposeStartupAsync(CancellationToken cancellationToken)
    {
        var compose = await ComposeAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        await CommandRunner.RunAsync(compose.ContainerIds(BackendService), cancellationToken: cancellationToken);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Preflight shows the last rehearsal of this path; with --require-rehearsal, a missing passing one is a gate that fails.</summary>
    PreflightReport WithRehearsalGate(PreflightReport preflight)
    {
        if (preflight.Current is not { } current)
            return RequireRehearsal
                ? preflight with { Failures = [.. preflight.Failures, new UpgradeGateFailure("rehearsal", "--require-rehearsal: the running version is unknown, so no rehearsal can be matched.")] }
                : preflight;
        var (from, to) = (current.ToString(), preflight.Target.ToString());
        var last = Rehearsals.LastOf(ComposeFilePath, from, to);
        Log.Information("{Rehearsal}", RehearsalRequirement.Describe(last, from, to, DateTimeOffset.UtcNow));
        return RehearsalRequirement.Refusal(RequireRehearsal, Rehearsals.LastPassingOf(ComposeFilePath, from, to), last, from, to) is { } refusal
            ? preflight with { Failures = [.. preflight.Failures, new UpgradeGateFailure("rehearsal", refusal)] }
            : preflight;
    }
}
