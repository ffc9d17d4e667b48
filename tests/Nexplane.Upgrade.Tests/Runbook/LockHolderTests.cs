using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>Only a lock whose owner is provably gone may be taken over without the operator's word.</summary>
public sealed class LockHolderTests
{
    static readonly DateTimeOffset LockTaken = new(2026, 12, 6, 22, 0, 0, TimeSpan.Zero);

    static readonly LockOwner Owner = new("ops", 4242, "deploy-host", LockTaken, "Upgrade --version 0.3.2");

    [Fact]
    public void The_process_that_took_the_lock_is_running() =>
        Assert.Equal(LockHolderState.Running, LockHolder.Judge(Owner, "deploy-host", LockTaken.AddMilliseconds(-300)));

    [Fact]
    public void A_pid_that_runs_no_more_is_gone() =>
        Assert.Equal(LockHolderState.Gone, LockHolder.Judge(Owner, "deploy-host", startOfThatProcess: null));

    [Fact]
    public void A_pid_now_held_by_a_process_started_after_the_lock_is_gone_not_running() =>
        Assert.Equal(LockHolderState.Gone, LockHolder.Judge(Owner, "deploy-host", LockTaken.AddMinutes(5)));

    [Fact]
    public void A_start_within_the_clocks_rounding_is_the_owner() =>
        Assert.Equal(LockHolderState.Running, LockHolder.Judge(Owner, "deploy-host", LockTaken.AddMilliseconds(900)));

    [Fact]
    public void A_lock_from_another_host_cannot_be_judged_from_here_whatever_runs_with_that_pid()
    {
        Assert.Equal(LockHolderState.OnAnotherHost, LockHolder.Judge(Owner, "jump-host", startOfThatProcess: null));
        Assert.Equal(LockHolderState.OnAnotherHost, LockHolder.Judge(Owner, "jump-host", LockTaken));
    }

    [Fact]
    public void A_lock_that_names_no_owner_is_unreadable() =>
        Assert.Equal(LockHolderState.Unreadable, LockHolder.Judge(null, "deploy-host", startOfThatProcess: null));

    [Fact]
    public void This_process_is_running_and_a_finished_one_is_not()
    {
        Assert.NotNull(LockHolder.StartOfProcess(Environment.ProcessId));
        using var finished = System.Diagnostics.Process.Start("true")!;
        finished.WaitForExit();
        Assert.Null(LockHolder.StartOfProcess(finished.Id));
    }
}
