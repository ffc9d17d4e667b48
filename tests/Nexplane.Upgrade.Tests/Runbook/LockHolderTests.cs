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

    static readonly LockOwner Identified = Owner with { BootId = "boot-1", ProcessStartTicks = 123456 };

    [Fact]
    public void With_the_kernels_identity_recorded_the_same_start_in_ticks_is_the_owner_whatever_the_wall_clock_says() =>
        // A clock set forward since would make the wall-clock start look later than the lock: the ticks decide.
        Assert.Equal(LockHolderState.Running, LockHolder.Judge(Identified, "deploy-host", "boot-1", 123456, LockTaken.AddHours(1)));

    [Fact]
    public void With_the_kernels_identity_recorded_another_start_or_another_boot_is_another_process()
    {
        Assert.Equal(LockHolderState.Gone, LockHolder.Judge(Identified, "deploy-host", "boot-1", 999999, LockTaken.AddMilliseconds(-300)));
        Assert.Equal(LockHolderState.Gone, LockHolder.Judge(Identified, "deploy-host", "boot-2", 123456, LockTaken.AddMilliseconds(-300)));
        Assert.Equal(LockHolderState.Gone, LockHolder.Judge(Identified, "deploy-host", "boot-1", null, null));
    }

    [Fact]
    public void A_lock_without_the_kernels_identity_is_judged_by_the_wall_clock_start() =>
        Assert.Equal(LockHolderState.Running, LockHolder.Judge(Owner, "deploy-host", "boot-1", 999999, LockTaken.AddMilliseconds(-300)));

    [Fact]
    public void The_start_in_ticks_is_read_after_a_command_name_with_spaces_and_parentheses() =>
        Assert.Equal(8848, ProcessIdentity.StartTicksIn("4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 8848 0 0"));

    [Fact]
    public void This_process_has_a_boot_and_a_start_in_ticks_on_linux()
    {
        Assert.NotNull(ProcessIdentity.BootId());
        Assert.Equal(ProcessIdentity.StartTicks(Environment.ProcessId), ProcessIdentity.StartTicks(Environment.ProcessId));
        Assert.NotNull(ProcessIdentity.StartTicks(Environment.ProcessId));
    }
}
