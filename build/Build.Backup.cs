using Docker.DotNet;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

partial class Build
{
    [Parameter("Compose service of the PostgreSQL database")]
    readonly string DatabaseService = "db";

    [Parameter("Database host as seen from this machine (used when its port is published)")]
    readonly string DatabaseHost = "127.0.0.1";

    [Parameter("Database port as seen from this machine")]
    readonly int DatabasePort = 5432;

    [Parameter("Port PostgreSQL listens on inside the db container (used when --database-port is not published)")]
    readonly int DatabaseContainerPort = 5432;

    [Parameter("Database name")]
    readonly string DatabaseName = "nexplane";

    [Parameter("Database user")]
    readonly string DatabaseUser = "nexplane";

    [Parameter("Database password (default: read from the deployment's .env, see --database-password-variable)")]
    [Secret]
    readonly string? DatabasePassword;

    [Parameter("Variable in the deployment's .env that holds the database password")]
    readonly string DatabasePasswordVariable = "POSTGRES_PASSWORD";

    [Parameter("Directory that keeps the backups (owner-only permissions)")]
    readonly AbsolutePath? BackupDirectory;

    [Parameter("Where pg_dump runs: Auto, Host or Container")]
    readonly BackupMode BackupMode = BackupMode.Auto;

    [Parameter("Backup format: Custom or Plain (the runbook's .sql)")]
    readonly BackupFormat BackupFormat = BackupFormat.Custom;

    [Parameter("How many backups to keep; the newest verified backup is never deleted")]
    readonly int BackupRetention = 5;

    [Parameter("Take the backup after the app is stopped: no writes are lost, at the cost of a longer outage")]
    readonly bool BackupAfterStop;

    /// <summary>
    /// The runbook's "back up the database", verified so the rollback can trust it. A backup that does not verify
    /// fails this target, and with it the upgrade, before anything is pulled or stopped.
    /// </summary>
    Target Backup => _ => _
        .Description("Backs up the database with pg_dump, verifies the archive and writes its manifest")
        .DependsOn(Preflight)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenStatic(() => !BackupAfterStop)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Backup)))
        .Executes(BackUpAsync);

    /// <summary>
    /// The same backup taken once the app is stopped (--backup-after-stop): no write is left out of it, at the
    /// cost of the dump's time added to the outage. The default backs up while the old version still serves.
    /// </summary>
    Target BackupAfterStopping => _ => _
        .Description("With --backup-after-stop: the backup, taken once the app is stopped so no write is left out")
        .DependsOn(Stop)
        .DependentFor(StartBackend)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenStatic(() => BackupAfterStop)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(BackupAfterStopping)))
        .Executes(BackUpAsync);

    async Task BackUpAsync(CancellationToken cancellationToken)
    {
        Run.BackupStarting(await CaptureWriteCountersAsync(cancellationToken));
        var preflight = Run.Preflight ?? throw new InvalidOperationException("Backup needs Preflight's findings; run it through Upgrade or with Preflight.");
        var files = new BackupFiles(BackupDirectoryPath);
        var (exec, containerId) = await DatabaseContainerAsync(cancellationToken);
        var manifest = await new BackupService(files, exec, LogLine).BackUpAsync(new BackupRequest(
            DatabaseTarget, BackupMode, BackupFormat,
            preflight.Current?.ToString() ?? "unknown",
            preflight.Services.ToDictionary(service => service.Service, service => service.From.ToString()),
            containerId), cancellationToken);

        var archive = Path.Combine(files.Directory, manifest.ArchiveFile);
        Run.RecordBackup(archive, manifest.AlembicRevisions);
        foreach (var deleted in files.Prune(BackupRetention))
            Log.Information("Retention ({Keep}): deleted the older backup {Archive}", BackupRetention, Path.GetFileName(deleted));
        ReportSummary(summary => summary["Backup"] = $"{manifest.ArchiveFile} ({manifest.SizeBytes / 1024.0 / 1024.0:0.0} MB, verified)");
    }

    /// <summary>Every table's write counters (PostgreSQL's own, no scan): the backup and Stop compare them.</summary>
    Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
        new WriteActivity(new DatabaseInspector(DatabaseTarget)).CaptureAsync(cancellationToken);

    /// <summary>
    /// The db container and a way to run programs in it, when Docker answers and the container exists. Host mode
    /// needs neither; Auto copes without them; Container mode fails later with what to check.
    /// </summary>
    async Task<(ContainerExec? Exec, string? ContainerId)> DatabaseContainerAsync(CancellationToken cancellationToken)
    {
        if (BackupMode == BackupMode.Host)
            return (null, null);
        DockerClient docker;
        try
        {
            docker = await DockerAsync(cancellationToken);
        }
        catch (DockerUnavailableException exception) when (BackupMode == BackupMode.Auto)
        {
            Log.Warning("Docker does not answer, so the db container's own tools are not available: {Reason}", exception.Message);
            return (null, null);
        }
        var containers = await (await ContainersAsync(cancellationToken)).OfServiceAsync(DatabaseService, cancellationToken);
        var running = containers.FirstOrDefault(container => container.State == "running");
        if (running is null)
            Log.Warning("No running {Service} container in compose project {Project}", DatabaseService, (await ContainersAsync(cancellationToken)).Project);
        return (new ContainerExec(docker), running?.Id);
    }
}
