using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runs;
using Nuke.Common;

/// <summary>StartBackend's operations on this deployment, with the parameters they take; the run judges what they report.</summary>
partial class Build : IBackendStart
{
    void IBackendStart.PinTags(IReadOnlyCollection<string> services) => PinTags(services);

    Task<DateTimeOffset> IBackendStart.StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        ComposeUpAsync(services, cancellationToken);

    async Task<MigrationOutcome> IBackendStart.WatchMigrationsAsync(string failureOutputFile, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        var backend = await NewestContainerAsync(await ContainersAsync(cancellationToken), BackendService, cancellationToken);
        return await new MigrationLogWatcher(await DockerAsync(cancellationToken), LogLine, SecretRedactor.Redact)
            .WatchAsync(backend.Id, MigrationTimeout, failureOutputFile, StartedSince(startedSince, backend), cancellationToken);
    }

    Task<DateTimeOffset> IBackendStart.WaitUntilHealthyAsync(CancellationToken cancellationToken) => WaitUntilHealthyAsync(cancellationToken);

    Task IBackendStart.ConfirmStableAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken) =>
        ConfirmStableAsync(services, cancellationToken);
}
