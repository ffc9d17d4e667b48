using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Tests.Time;
using static Nexplane.Upgrade.Tests.Compose.ScriptedDocker;

namespace Nexplane.Upgrade.Tests.Compose;

/// <summary>How a started container is judged to stay up: its restart count and state, sampled through the window on the run's clock.</summary>
public sealed class ContainerStabilityTests
{
    readonly AdvancingClock _clock = new();

    [Fact]
    public async Task A_container_that_keeps_running_is_sampled_through_the_whole_window_and_passes()
    {
        var (docker, script) = Inspecting(Container(running: true, restarts: 2));
        var started = _clock.UtcNow;

        await new ContainerStability(docker, _clock).ConfirmStableAsync("backend", "c1", baselineRestarts: 2, TimeSpan.FromSeconds(3), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(3), _clock.UtcNow - started);
        Assert.Equal(13, script.Inspected.Count); // at 0, 0.25, ..., 3 s
        Assert.All(script.Inspected, id => Assert.Equal("c1", id));
    }

    [Fact]
    public async Task A_restart_inside_the_window_fails_as_a_crash_loop_at_once()
    {
        var (docker, script) = Inspecting(Container(true, 0), Container(true, 0), Container(true, 1, exitCode: 3));

        var failure = await Assert.ThrowsAsync<ContainerUnstableException>(() =>
            new ContainerStability(docker, _clock).ConfirmStableAsync("worker", "c2", 0, TimeSpan.FromMinutes(5), CancellationToken.None));

        Assert.Equal("worker restarted 1 time(s) after starting (crash loop; last exit code 3).", failure.Message);
        Assert.Equal(3, script.Inspected.Count);
    }

    [Fact]
    public async Task A_container_that_exited_fails_with_its_state()
    {
        var (docker, _) = Inspecting(Container(running: false, restarts: 0, exitCode: 1));

        var failure = await Assert.ThrowsAsync<ContainerUnstableException>(() =>
            new ContainerStability(docker, _clock).ConfirmStableAsync("backend", "c3", 0, TimeSpan.FromSeconds(3), CancellationToken.None));

        Assert.Equal("backend is exited (exit code 1) after starting.", failure.Message);
    }
}
