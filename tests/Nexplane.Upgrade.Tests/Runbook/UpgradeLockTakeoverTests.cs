using System.Diagnostics;
using System.Text.Json;
using Nexplane.Upgrade.Runbook;

using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runbook;

/// <summary>
/// Which lock a command takes over by itself (one whose process is provably gone, for --resume and Rollback), which
/// needs --remove-stale-lock (another host, no owner), which never goes (a running one), and what each refusal advises.
/// </summary>
public sealed class UpgradeLockTakeoverTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"lock-{Guid.NewGuid():N}");

    string StateDirectory => Path.Combine(_directory, "state");

    string ComposeFile => Path.Combine(_directory, "docker-compose.yml");

    string LockFile => UpgradeLock.PathFor(StateDirectory, ComposeFile);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    void LeaveLock(LockOwner owner)
    {
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(LockFile, JsonSerializer.Serialize(owner));
    }

    /// <summary>A lock left by a process of this host that has exited: its owner is provably gone.</summary>
    LockOwner LeaveLockOfAFinishedProcess()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        var owner = new LockOwner("ops", process.Id, Environment.MachineName, DateTimeOffset.UtcNow.AddMinutes(-5), "Upgrade --version 0.3.2");
        LeaveLock(owner);
        return owner;
    }

    [Fact]
    public void Resume_and_Rollback_take_over_a_lock_whose_process_is_gone()
    {
        var gone = LeaveLockOfAFinishedProcess();

        using var taken = UpgradeLock.Acquire(StateDirectory, ComposeFile, "./build.sh Rollback", removeStaleLock: false, TestAdvice.Nuke, takeOverAbandoned: true);

        Assert.Equal(Environment.ProcessId, UpgradeLock.ReadOwner(LockFile)!.ProcessId);
        Assert.Equal(new LockInspection(LockFile, gone, LockHolderState.Gone), taken.Replaced);
    }

    [Fact]
    public void While_another_command_takes_over_the_same_stale_lock_this_one_is_refused_and_the_lock_stays_as_it_was()
    {
        var gone = LeaveLockOfAFinishedProcess();
        using var otherTakeover = TakeoverGuard.TryTake(LockFile);
        Assert.NotNull(otherTakeover);

        var refused = Assert.Throws<UpgradeLockedException>(() =>
            UpgradeLock.Acquire(StateDirectory, ComposeFile, "./build.sh Rollback", removeStaleLock: false, TestAdvice.Nuke, takeOverAbandoned: true));

        Assert.Contains("Another command is taking over the stale upgrade lock", refused.Message);
        Assert.Equal(gone, UpgradeLock.ReadOwner(LockFile));
    }

    [Fact]
    public void A_takeover_guard_left_by_a_killed_command_is_cleared_after_a_minute()
    {
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(LockFile + ".takeover", "");
        File.SetLastWriteTimeUtc(LockFile + ".takeover", DateTime.UtcNow.AddMinutes(-2));

        using var guard = TakeoverGuard.TryTake(LockFile);

        Assert.NotNull(guard);
    }

    [Fact]
    public void A_run_ends_without_deleting_a_lock_another_run_holds_since()
    {
        var taken = UpgradeLock.Acquire(StateDirectory, ComposeFile, "./build.sh Upgrade", removeStaleLock: false, TestAdvice.Nuke);
        var other = new LockOwner("ops", 1, "other-host", DateTimeOffset.UtcNow, "Upgrade --version 0.3.2");
        File.Delete(LockFile);
        LeaveLock(other);

        taken.Dispose();

        Assert.Equal(other, UpgradeLock.ReadOwner(LockFile));
    }

    [Fact]
    public void A_free_lock_replaces_nothing()
    {
        using var taken = UpgradeLock.Acquire(StateDirectory, ComposeFile, "./build.sh Rollback", removeStaleLock: false, TestAdvice.Nuke, takeOverAbandoned: true);

        Assert.Null(taken.Replaced);
    }

    [Fact]
    public void A_fresh_upgrade_refused_on_a_gone_owners_lock_is_told_the_commands_that_take_it_over()
    {
        LeaveLockOfAFinishedProcess();

        var refused = Assert.Throws<UpgradeLockedException>(() =>
            UpgradeLock.Acquire(StateDirectory, ComposeFile, "Upgrade --version 0.3.2", removeStaleLock: false, TestAdvice.Nuke, versionToResume: "0.3.2"));

        Assert.Contains("which is no longer running", refused.Message);
        Assert.EndsWith("./build.sh Status shows its unfinished upgrade; roll it back with ./build.sh Rollback, or continue it with " +
                        "./build.sh Upgrade --version 0.3.2 --resume.", refused.Message);
    }

    [Fact]
    public void A_lock_from_another_host_needs_the_operators_word_even_for_resume()
    {
        LeaveLock(new LockOwner("ops", Environment.ProcessId, "jump-host", DateTimeOffset.UtcNow.AddMinutes(-5), "Upgrade --version 0.3.2"));

        var refused = Assert.Throws<UpgradeLockedException>(() =>
            UpgradeLock.Acquire(StateDirectory, ComposeFile, "Upgrade --version 0.3.2 --resume", removeStaleLock: false, TestAdvice.Nuke, takeOverAbandoned: true,
                versionToResume: "0.3.2"));

        Assert.Contains("was taken on another host", refused.Message);
        Assert.EndsWith("roll it back with ./build.sh Rollback --remove-stale-lock, or continue it with " +
                        "./build.sh Upgrade --version 0.3.2 --resume --remove-stale-lock.", refused.Message);

        using var taken = UpgradeLock.Acquire(StateDirectory, ComposeFile, "Upgrade --version 0.3.2 --resume", removeStaleLock: true, TestAdvice.Nuke, takeOverAbandoned: true);
        Assert.Equal(LockHolderState.OnAnotherHost, taken.Replaced!.State);
    }

    [Fact]
    public void A_lock_that_names_no_owner_needs_the_operators_word()
    {
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(LockFile, "");

        var refused = Assert.Throws<UpgradeLockedException>(() =>
            UpgradeLock.Acquire(StateDirectory, ComposeFile, "./build.sh Rollback", removeStaleLock: false, TestAdvice.Nuke, takeOverAbandoned: true));

        Assert.EndsWith("was left by an unreadable owner. Add --remove-stale-lock to this command to remove it.", refused.Message);
    }

    [Fact]
    public void A_running_owners_lock_is_never_taken_not_even_when_asked()
    {
        using var first = UpgradeLock.Acquire(StateDirectory, ComposeFile, "Upgrade --version 0.3.2", removeStaleLock: false, TestAdvice.Nuke);

        var refused = Assert.Throws<UpgradeLockedException>(() =>
            UpgradeLock.Acquire(StateDirectory, ComposeFile, "./build.sh Rollback", removeStaleLock: true, TestAdvice.Nuke, takeOverAbandoned: true));

        Assert.Contains("Another upgrade holds the lock", refused.Message);
        Assert.Contains("Wait for it to finish", refused.Message);
    }

    [Fact]
    public void Inspect_tells_who_holds_the_lock_now()
    {
        Assert.Null(UpgradeLock.Inspect(StateDirectory, ComposeFile));

        using (UpgradeLock.Acquire(StateDirectory, ComposeFile, "Upgrade --version 0.3.2", removeStaleLock: false, TestAdvice.Nuke))
            Assert.Equal(LockHolderState.Running, UpgradeLock.Inspect(StateDirectory, ComposeFile)!.State);

        var gone = LeaveLockOfAFinishedProcess();
        Assert.Equal(new LockInspection(LockFile, gone, LockHolderState.Gone), UpgradeLock.Inspect(StateDirectory, ComposeFile));
    }
}
