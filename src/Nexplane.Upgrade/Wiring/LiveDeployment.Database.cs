using Nexplane.Upgrade.Steps.VerifyMigrations;
using Nexplane.Upgrade.Deployments;
using Docker.DotNet;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Backup;

namespace Nexplane.Upgrade.Wiring;

/// <summary>The deployment's PostgreSQL: where this machine reaches it, its backups and restores.</summary>
public sealed partial class LiveDeployment : IDatabaseBackup
{
    DatabaseTarget? _database;

    /// <summary>
    /// The database as this machine reaches it: the configured address when the operator named it and it answers,
    /// else (a port the compose file does not publish) the db container's own address. Resolved once per run.
    /// </summary>
    public async Task<DatabaseTarget> DatabaseAsync(CancellationToken cancellationToken) =>
        _database ??= await DatabaseAddressResolver.ResolveAsync(deployment.Database, deployment.DatabaseHostNamed,
            async cancellation =>
            {
                try
                {
                    return await (await ContainersAsync(cancellation)).EndpointOfAsync(deployment.DatabaseService, deployment.DatabaseContainerPort, cancellation);
                }
                catch (DockerUnavailableException)
                {
                    return null;
                }
                catch (ForeignContainerException)
                {
                    // Another compose file's db is never this deployment's address. Preflight refuses it with its
                    // [deployment] gate, beside every other problem; any other step refuses it at its first look-up.
                    return null;
                }
            },
            deployment.DatabaseContainerPort, Line, cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
        await new WriteActivity(new DatabaseInspector(await DatabaseAsync(cancellationToken), Advice)).CaptureAsync(cancellationToken);

    public async Task<WrittenBackup> BackUpAsync(string nexplaneVersion, IReadOnlyDictionary<string, string> images, BackupPolicy policy,
        CancellationToken cancellationToken)
    {
        var (exec, containerId) = await DatabaseContainerAsync(cancellationToken);
        return await new BackupService(new BackupFiles(policy.Directory), exec, commands, Line, Advice, output.Progress).StartAsync(new BackupRequest(
            await DatabaseAsync(cancellationToken), settings.BackupMode, policy.Format, nexplaneVersion, images, containerId), cancellationToken);
    }

    /// <summary>Restores <paramref name="archive"/> into the deployment's database, keeping the replaced one for the bug report.</summary>
    public async Task<RestoreResult> RestoreDatabaseAsync(string archive, CancellationToken cancellationToken)
    {
        var (exec, containerId) = await DatabaseContainerAsync(cancellationToken);
        var result = await new RestoreService(exec, commands, Line, line => output.Warning("{Warning}", line), Advice, output.Progress)
            .RestoreAsync(new RestoreRequest(await DatabaseAsync(cancellationToken), archive, settings.BackupMode, containerId,
                Math.Max(settings.RestoreJobs, 1)), cancellationToken);
        return result;
    }

    /// <summary>A restore outside an upgrade: refused while the app services that use the database still run.</summary>
    public async Task EnsureAppStoppedAsync(CancellationToken cancellationToken) =>
        await AppServicesGuard.EnsureStoppedAsync(await ContainersAsync(cancellationToken), deployment.StopServices,
            $"docker compose -f {deployment.ComposeFile} stop {string.Join(' ', deployment.StopServices)}", cancellationToken);

    /// <summary>The cluster's transaction horizon at Stop; a rollback checks it before it restores.</summary>
    public async Task<TransactionHorizon> RecordTransactionHorizonAsync(CancellationToken cancellationToken) =>
        await new TransactionHorizonProbe(new DatabaseInspector(await DatabaseAsync(cancellationToken), Advice)).RecordAsync(cancellationToken);

    /// <summary>Whether anything committed in the cluster since <paramref name="horizon"/>, as PostgreSQL answers it.</summary>
    public async Task<HorizonCheck> CheckSinceHorizonAsync(TransactionHorizon horizon, CancellationToken cancellationToken) =>
        await new TransactionHorizonProbe(new DatabaseInspector(await DatabaseAsync(cancellationToken), Advice)).CheckSinceAsync(horizon, cancellationToken);

    /// <summary>alembic_version as VerifyMigrations reads it.</summary>
    public async Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken) =>
        await new InspectedDatabase(new DatabaseInspector(await DatabaseAsync(cancellationToken), Advice)).AlembicRevisionsAsync(cancellationToken);

    /// <summary>
    /// The db container and a way to run programs in it, when Docker answers and the container exists. Host mode
    /// needs neither; Auto copes without them; Container mode fails later with what to check.
    /// </summary>
    async Task<(ContainerExec? Exec, string? ContainerId)> DatabaseContainerAsync(CancellationToken cancellationToken)
    {
        if (settings.BackupMode == BackupMode.Host)
            return (null, null);
        IDockerClient docker;
        try
        {
            docker = await DockerAsync(cancellationToken);
        }
        catch (DockerUnavailableException exception) when (settings.BackupMode == BackupMode.Auto)
        {
            output.Warning("Docker does not answer, so the db container's own tools are not available: {Reason}", exception.Message);
            return (null, null);
        }
        var containers = await (await ContainersAsync(cancellationToken)).OfServiceAsync(deployment.DatabaseService, cancellationToken);
        var running = containers.FirstOrDefault(container => container.State == "running");
        if (running is null)
            output.Warning("No running {Service} container in compose project {Project}", deployment.DatabaseService, deployment.Project.Name);
        return (new ContainerExec(docker), running?.Id);
    }
}
