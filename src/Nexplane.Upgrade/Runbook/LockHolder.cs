using System.Diagnostics;

namespace Nexplane.Upgrade.Runbook;

/// <summary>What this machine can tell about the process that holds an upgrade lock.</summary>
public enum LockHolderState
{
    /// <summary>On this host, and that pid is the process that took the lock: an upgrade is going on.</summary>
    Running,

    /// <summary>On this host, and that pid runs no more, or now belongs to a process started after the lock was taken.</summary>
    Gone,

    /// <summary>Taken on another host: whether it still runs cannot be checked from here.</summary>
    OnAnotherHost,

    /// <summary>The lock file names no owner (its writer died before writing it, or it was edited).</summary>
    Unreadable,
}

/// <summary>Judges a lock's owner: only a holder that is provably gone may be taken over without the operator's word.</summary>
public static class LockHolder
{
    /// <param name="startOfThatProcess">When the process with the owner's pid on this host started; null when none runs.</param>
    public static LockHolderState Judge(LockOwner? owner, string thisHost, DateTimeOffset? startOfThatProcess)
    {
        if (owner is null)
            return LockHolderState.Unreadable;
        if (owner.Host != thisHost)
            return LockHolderState.OnAnotherHost;
        // The record names a pid; the machine says whose it is now: a process started after the lock was taken is
        // another one that reuses the pid (after a reboot, say), not the owner. A second of slack covers the clocks' rounding.
        return startOfThatProcess is { } started && started <= owner.StartedAt.AddSeconds(1)
            ? LockHolderState.Running
            : LockHolderState.Gone;
    }

    /// <summary>
    /// Exactly, when the lock recorded the kernel's identity of its owner and this machine can read the pid's now: another
    /// boot, or another start in ticks since boot, is another process. Otherwise (an older lock, /proc unreadable) by
    /// the wall-clock start, as <see cref="Judge(LockOwner?, string, DateTimeOffset?)"/>.
    /// </summary>
    /// <param name="thisBoot">This machine's boot id now.</param>
    /// <param name="ticksOfThatProcess">The start in ticks of the process with the owner's pid; null when none is visible.</param>
    public static LockHolderState Judge(LockOwner? owner, string thisHost, string? thisBoot, long? ticksOfThatProcess,
        DateTimeOffset? startOfThatProcess)
    {
        if (owner is null || owner.Host != thisHost || owner.BootId is null || owner.ProcessStartTicks is null || thisBoot is null)
            return Judge(owner, thisHost, startOfThatProcess);
        if (owner.BootId != thisBoot)
            return LockHolderState.Gone;
        if (ticksOfThatProcess is null)
            // No stat to read: gone, unless the process is still listed (its entry hidden from this user): then by its start.
            return startOfThatProcess is null ? LockHolderState.Gone : Judge(owner, thisHost, startOfThatProcess);
        return ticksOfThatProcess == owner.ProcessStartTicks ? LockHolderState.Running : LockHolderState.Gone;
    }

    /// <summary>The owner as this machine sees it now.</summary>
    public static LockHolderState Judge(LockOwner? owner) =>
        owner is null
            ? LockHolderState.Unreadable
            : Judge(owner, Environment.MachineName, ProcessIdentity.BootId(), ProcessIdentity.StartTicks(owner.ProcessId), StartOfProcess(owner.ProcessId));

    /// <summary>When the process <paramref name="processId"/> started; null when no such process runs.</summary>
    public static DateTimeOffset? StartOfProcess(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        // Win32Exception: the process ended between the two reads.
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
