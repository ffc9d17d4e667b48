using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Steps.Stop;

/// <summary>Stopping the app services, and the database's write counters that tell what the backup missed.</summary>
public interface IAppStop : IDatabaseHorizon
{
    /// <summary>Stops the services gracefully; never a protected one.</summary>
    Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken);

    /// <summary>Every table's write counters (PostgreSQL's own, no scan).</summary>
    Task<IReadOnlyDictionary<string, long>> CaptureWriteCountersAsync(CancellationToken cancellationToken);
}
