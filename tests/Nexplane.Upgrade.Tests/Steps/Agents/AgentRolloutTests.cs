using System.Collections.Concurrent;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Tests.Progress;

namespace Nexplane.Upgrade.Tests.Steps.Agents;

public sealed class AgentRolloutTests
{
    static AgentHost Host(string name, bool canary = false) => new()
    {
        Name = name, Address = "10.0.0.1", User = "root", IdentityFile = "/key", HostKeySha256 = "SHA256:x",
        Platform = AgentPlatform.LinuxAmd64, Canary = canary,
    };

    static readonly AgentHost[] Hosts = [Host("a"), Host("b"), Host("c", canary: true), Host("d"), Host("e"), Host("f")];

    [Fact]
    public void The_host_marked_canary_goes_first_alone_then_the_rest_in_waves_of_the_given_size()
    {
        var waves = AgentRollout.PlanWaves(Hosts, waveSize: 2);

        Assert.Equal([["c"], ["a", "b"], ["d", "e"], ["f"]], waves.Select(w => w.Select(h => h.Name).ToArray()).ToArray());
    }

    [Fact]
    public void Without_a_marked_canary_the_first_host_is_the_canary()
    {
        var waves = AgentRollout.PlanWaves([Host("a"), Host("b"), Host("c")], waveSize: 5);

        Assert.Equal([["a"], ["b", "c"]], waves.Select(w => w.Select(h => h.Name).ToArray()).ToArray());
    }

    [Fact]
    public async Task A_failed_canary_leaves_every_other_host_untouched()
    {
        var attempted = new ConcurrentBag<string>();
        var rollout = new AgentRollout((host, _) =>
        {
            attempted.Add(host.Name);
            return Task.FromResult(new AgentHostOutcome(host.Name, AgentHostResult.RolledBack, "0.3.0", "0.4.0", "did not register", 1));
        }, _ => { });

        var outcomes = await rollout.RunAsync(Hosts, waveSize: 2, CancellationToken.None);

        Assert.Equal(["c"], attempted);
        Assert.Equal(AgentHostResult.RolledBack, outcomes.Single(o => o.Host == "c").Result);
        Assert.All(outcomes.Where(o => o.Host != "c"), o => Assert.Equal(AgentHostResult.NotAttempted, o.Result));
        Assert.Contains("the canary (c) failed", outcomes.First(o => o.Host == "a").Detail);
        Assert.Equal(6, outcomes.Count);
    }

    [Fact]
    public async Task A_failure_in_a_wave_finishes_that_wave_and_stops_before_the_next()
    {
        var attempted = new ConcurrentBag<string>();
        var rollout = new AgentRollout((host, _) =>
        {
            attempted.Add(host.Name);
            var result = host.Name == "b" ? AgentHostResult.NotChanged : AgentHostResult.Upgraded;
            return Task.FromResult(new AgentHostOutcome(host.Name, result, "0.3.0", "0.4.0", "", 1));
        }, _ => { });

        var outcomes = await rollout.RunAsync(Hosts, waveSize: 2, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], attempted.Order());
        Assert.Equal(["d", "e", "f"], outcomes.Where(o => o.Result == AgentHostResult.NotAttempted).Select(o => o.Host));
    }

    [Fact]
    public async Task Hosts_of_one_wave_are_upgraded_at_the_same_time()
    {
        var running = 0;
        var mostAtOnce = 0;
        var rollout = new AgentRollout(async (host, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(100);
            Interlocked.Decrement(ref running);
            return new AgentHostOutcome(host.Name, AgentHostResult.Upgraded, "0.3.0", "0.4.0", "", 0.1);
        }, _ => { });

        var outcomes = await rollout.RunAsync(Hosts, waveSize: 3, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(AgentHostResult.Upgraded, o.Result));
        Assert.Equal(3, mostAtOnce);
    }

    [Fact]
    public async Task Progress_counts_the_hosts_done_and_names_the_wave_running()
    {
        var progress = new RecordingProgress();
        var rollout = new AgentRollout((host, _) =>
            Task.FromResult(new AgentHostOutcome(host.Name, AgentHostResult.Upgraded, "0.3.0", "0.4.0", "", 1)), _ => { }, progress);

        await rollout.RunAsync(Hosts, waveSize: 5, CancellationToken.None);

        Assert.Equal(
        [
            "start Agents [Hosts of 6]",
            "relabel Agents -> Canary: c",
            "Canary: c: 1",
            "relabel Canary: c -> Agents, wave 1 of 1 (5 hosts)",
            "Agents, wave 1 of 1 (5 hosts): 2",
            "Agents, wave 1 of 1 (5 hosts): 3",
            "Agents, wave 1 of 1 (5 hosts): 4",
            "Agents, wave 1 of 1 (5 hosts): 5",
            "Agents, wave 1 of 1 (5 hosts): 6",
            "end Agents, wave 1 of 1 (5 hosts)",
        ], progress.Events);
    }

    static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
