namespace Nexplane.Upgrade.Time;

/// <summary>
/// The one way the tool waits and tells how long it waited: a <see cref="TimeProvider"/>'s clock and its delays. The
/// tool runs on the system's; a unit test passes a fake one that moves on by each delay at once, so a wait of minutes
/// takes no time and its timing is exact. Every poll and retry uses it: HealthWaiter, ContainerStability,
/// FrontendVerifier, AgentHostUpgrader, the rollback's wait for PostgreSQL, Stop's write window, ContainerExec's exit
/// wait, DatabaseAdministration's rename retry, MigrationLogWatcher's inspections and the rehearsal's wait for its
/// copy's database. Timeouts on an event or a stream (GracefulServiceStopper's, MigrationLogWatcher's deadline) are
/// still the system's timers.
/// </summary>
public class Clock(TimeProvider time)
{
    public static Clock System { get; } = new(TimeProvider.System);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>A point to measure from with <see cref="Since"/>.</summary>
    public long Timestamp() => time.GetTimestamp();

    public TimeSpan Since(long timestamp) => time.GetElapsedTime(timestamp);

    public virtual Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, time, cancellationToken);
}
