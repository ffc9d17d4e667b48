using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Tests.Time;
using Npgsql;

namespace Nexplane.Upgrade.Tests.Database;

/// <summary>The rename's retry while the last connections close, on a fake clock: its pauses are exact and take no time.</summary>
public sealed class DatabaseAdministrationTests
{
    static PostgresException InUse() => new("database \"nexplane\" is being accessed by other users", "ERROR", "ERROR", PostgresErrorCodes.ObjectInUse);

    [Fact]
    public async Task A_rename_that_finds_the_database_in_use_disconnects_again_and_retries_after_a_growing_pause()
    {
        var clock = new AdvancingClock();
        var disconnects = 0;
        var renames = 0;

        await DatabaseAdministration.RetryWhileInUseAsync(
            () => { disconnects++; return Task.CompletedTask; },
            () => ++renames <= 3 ? throw InUse() : Task.CompletedTask,
            clock, CancellationToken.None);

        Assert.Equal((4, 4), (disconnects, renames));
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600)], clock.Delays);
    }

    [Fact]
    public async Task A_database_that_stays_in_use_fails_the_rename_after_ten_attempts()
    {
        var clock = new AdvancingClock();
        var renames = 0;

        var failed = await Assert.ThrowsAsync<PostgresException>(() => DatabaseAdministration.RetryWhileInUseAsync(
            () => Task.CompletedTask, () => { renames++; throw InUse(); }, clock, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.ObjectInUse, failed.SqlState);
        Assert.Equal(10, renames);
        Assert.Equal(TimeSpan.FromSeconds(9), clock.Delays.Aggregate(TimeSpan.Zero, (sum, delay) => sum + delay));
    }

    [Fact]
    public async Task Any_other_failure_is_not_retried()
    {
        var clock = new AdvancingClock();
        var renames = 0;

        await Assert.ThrowsAsync<PostgresException>(() => DatabaseAdministration.RetryWhileInUseAsync(
            () => Task.CompletedTask,
            () => { renames++; throw new PostgresException("permission denied", "ERROR", "ERROR", PostgresErrorCodes.InsufficientPrivilege); },
            clock, CancellationToken.None));

        Assert.Equal(1, renames);
        Assert.Empty(clock.Delays);
    }
}
