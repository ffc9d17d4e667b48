using Nexplane.Upgrade.Backend;

namespace Nexplane.Upgrade.Steps.StartBackend;

/// <summary>
/// What starting the new backend does to the deployment, one operation each (the pinned files, compose, the engine,
/// HTTP). The step judges what they report; tests record the calls instead of making them.
/// </summary>
public interface IBackendStart
{
    /// <summary>Pins each service's new tag where the deployment keeps it, telling <paramref name="beforeWrite"/> each file's new text first.</summary>
    void PinTags(IReadOnlyList<(string Service, string Tag)> pins, Action<string, string>? beforeWrite);

    /// <summary><c>compose up</c> of the services; returns the time from which their logs belong to this run.</summary>
    Task<DateTimeOffset> StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken);

    /// <summary>Follows the new backend's migrations to its startup; throws <see cref="MigrationFailedException"/> on a failure, saving its output.</summary>
    Task<MigrationOutcome> WatchMigrationsAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken);

    /// <summary>Returns when the backend's health endpoint first answered.</summary>
    Task<DateTimeOffset> WaitUntilHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Each service keeps running, without a restart, through the stability window.</summary>
    Task ConfirmStableAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken);
}
