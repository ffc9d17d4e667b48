using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Tests.Agents;

public sealed class AgentUpgradePhasesTests
{
    [Fact]
    public void Each_phase_lasts_from_the_end_of_the_previous_one_and_is_printed_in_order_in_seconds()
    {
        var time = new SteppedTime();
        var phases = new AgentUpgradePhases(new Clock(time));

        time.Advance(TimeSpan.FromMilliseconds(120));
        phases.End("connect");
        time.Advance(TimeSpan.FromMilliseconds(305));
        phases.End("upload");
        time.Advance(TimeSpan.FromMilliseconds(1_500));
        phases.End("registration");

        Assert.Equal("connect 0.12 s, upload 0.31 s, registration 1.50 s", phases.ToString());
        Assert.Equal(TimeSpan.FromMilliseconds(1_925), phases.Elapsed);
    }

    /// <summary>A clock that moves only when told (changing Directory.Packages.props for a fake would rebuild the sandbox's images).</summary>
    sealed class SteppedTime : TimeProvider
    {
        long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
