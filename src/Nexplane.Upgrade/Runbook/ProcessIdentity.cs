namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// A process's identity as the Linux kernel keeps it: the boot it runs in and its start in clock ticks since that boot.
/// Unlike a wall-clock start time, neither moves when the clock is set, so a lock's owner is told from a later process
/// that reuses its pid exactly. null wherever the kernel does not say (not Linux, or the entry cannot be read).
/// </summary>
public static class ProcessIdentity
{
    public static string? BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The start of <paramref name="processId"/> in clock ticks since boot; null when no such process is visible.</summary>
    public static long? StartTicks(int processId)
    {
        try
        {
            return StartTicksIn(File.ReadAllText($"/proc/{processId}/stat"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Field 22 of a <c>/proc/&lt;pid&gt;/stat</c> line; the command name before it may hold spaces and parentheses.</summary>
    public static long? StartTicksIn(string stat)
    {
        var afterName = stat.LastIndexOf(')');
        if (afterName < 0)
            return null;
        // The fields after the name start with field 3 (the state): field 22 is the 20th of them.
        var fields = stat[(afterName + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], out var ticks) ? ticks : null;
    }
}
