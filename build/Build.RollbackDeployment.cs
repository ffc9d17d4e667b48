using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runs;
using Nuke.Common;

/// <summary>The rollback's operations on this deployment, with the parameters they take; the run decides which and when.</summary>
partial class Build : IRollbackDeployment
{
    async Task<IReadOnlyList<StoppedContainer>> IAppStop.StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        await new GracefulServiceStopper(await DockerAsync(cancellationToken), await ContainersAsync(cancellationToken),
            new ProtectedServiceGuard(ProtectedServices), LogLine).StopAsync(services, StopTimeout, cancellationToken);

    Task<IReadOnlyDictionary<string, long>> IAppStop.CaptureWriteCountersAsync(CancellationToken cancellationToken) =>
        CaptureWriteCountersAsync(cancellationToken);

    Task<RestoreResult> IRollbackDeployment.RestoreDatabaseAsync(string archive, CancellationToken cancellationToken) =>
        RestoreBackupAsync(archive, cancellationToken);

    Task<DateTimeOffset> IRollbackDeployment.StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        ComposeUpAsync(services, cancellationToken);

    async Task IRollbackDeployment.WatchBackendStartAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        var containers = await ContainersAsync(cancellationToken);
        var backend = (await containers.OfServiceAsync(BackendService, cancellationToken)).OrderByDescending(c => c.StartedAt).FirstOrDefault();
        if (backend is null)
            return;
        await new MigrationLogWatcher(await DockerAsync(cancellationToken), LogLine, SecretRedactor.Redact)
            .WatchAsync(backend.Id, HealthTimeout, outputFile, StartedSince(startedSince, backend), cancellationToken);
    }

    Task IRollbackDeployment.WaitUntilHealthyAsync(CancellationToken cancellationToken) => WaitUntilHealthyAsync(cancellationToken);

    Task<IReadOnlyList<VerificationGate>> IDeploymentVerification.VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken) =>
        VerifyDeploymentAsync(version, cancellationToken);

    Task<AgentHostOutcome> IRollbackDeployment.RollBackAgentAsync(AgentHost host, string? oldVersion, string newVersion, string token,
        CancellationToken cancellationToken) =>
        AgentUpgrader(new ControlPlaneAgentRegistry(new AgentInventory(Http), ApiUri, token)).RollBackAsync(host, oldVersion, newVersion, cancellationToken);
}
