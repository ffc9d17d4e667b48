using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Wiring;

/// <summary>The deployment's facts as they are now, read for a reconciliation with a journal or a backup.</summary>
public sealed partial class LiveDeployment : IDeploymentObserver
{
    /// <summary>Reads every fact it can; one it cannot read is returned with the reason, never thrown.</summary>
    public async Task<ObservedDeployment> ObserveAsync(CancellationToken cancellationToken)
    {
        var (version, versionSource) = await RunningVersionAsync(cancellationToken);
        string? backendImage = null;
        try
        {
            backendImage = (await NewestContainerAsync(deployment.BackendService, cancellationToken))?.Image;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            versionSource += $"; the containers could not be listed: {exception.Message}";
        }

        DatabaseIdentity? identity = null;
        IReadOnlyList<string>? revisions = null;
        string? databaseProblem = null;
        try
        {
            var inspector = new DatabaseInspector(await DatabaseAsync(cancellationToken), Advice);
            identity = await inspector.IdentityAsync(cancellationToken);
            revisions = await inspector.AlembicRevisionsAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            databaseProblem = exception.Message;
        }

        return new ObservedDeployment(Path.GetFullPath(deployment.ComposeFile), deployment.Project.Name, version, versionSource, backendImage,
            identity, revisions, databaseProblem, DeploymentFileHashes());
    }

    /// <summary>The compose file and .env as they are now: full path -> sha256 (null when missing).</summary>
    public IReadOnlyDictionary<string, string?> DeploymentFileHashes() =>
        new[] { deployment.ComposeFile, deployment.EnvFile }
            .Select(Path.GetFullPath)
            .Distinct()
            .ToDictionary(path => path, path => File.Exists(path) ? BackupFiles.Sha256Of(path) : null);

    /// <summary>Which database the deployment uses now.</summary>
    public async Task<DatabaseIdentity> DatabaseIdentityAsync(CancellationToken cancellationToken) =>
        await new DatabaseInspector(await DatabaseAsync(cancellationToken), Advice).IdentityAsync(cancellationToken);

    async Task<(string? Version, string Source)> RunningVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reported = await new VersionProbe(http, Advice).GetVersionAsync(deployment.ApiUrl, deployment.VersionEndpoints, cancellationToken);
            return (reported.Version.ToString(), $"from {reported.Endpoint} at {deployment.ApiUrl}");
        }
        catch (VersionProbeException exception)
        {
            return (null, exception.Message);
        }
    }
}
