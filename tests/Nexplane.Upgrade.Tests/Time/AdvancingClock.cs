using Microsoft.Extensions.Time.Testing;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Tests.Time;

/// <summary>A clock on a fake time that moves on by each delay at once: a wait takes no real time, and its length is exact.</summary>
sealed class AdvancingClock(FakeTimeProvider time) : Clock(time)
{
    public AdvancingClock() : this(new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)))
    {
    }

    public FakeTimeProvider Time { get; } = time;

    /// <summary>Every delay asked for, in order.</summary>
    public List<TimeSpan> Delays { get; } = [];

    public override Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Delays.Add(delay);
        var delayed = base.DelayAsync(delay, cancellationToken);
        Time.Advance(delay);
        return delayed;
    }
}
