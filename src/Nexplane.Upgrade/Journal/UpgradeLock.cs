using System.Diagnostics;
using System.Text.Json;

namespace Nexplane.Upgrade.Journal;

/// <summary>Who holds the upgrade lock.</summary>
public sealed record LockOwner(string User, int ProcessId, string Host, DateTimeOffset StartedAt, string Command);

/// <summary>
/// One upgrade at a time per deployment: a lock file, named after the deployment's compose file, created atomically
/// (O_EXCL) with its owner, pid, host and start time. A lock whose process is gone is reported as stale and removed
/// only when the operator says so. Different deployments upgraded from one checkout do not block each other.
/// </summary>
public sealed class UpgradeLock : IDisposable
{
    readonly string _path;
    bool _held;

    UpgradeLock(string path)
    {
        _path = path;
        _held = true;
    }

    public static string PathFor(string directory, string composeFile) =>
        Path.Combine(directory, $"upgrade-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(composeFile))))[..12]}.lock");

    public static UpgradeLock Acquire(string directory, string composeFile, string command, bool removeStaleLock)
    {
        Directory.CreateDirectory(directory);
        var path = PathFor(directory, composeFile);
        var me = new LockOwner(Environment.UserName, Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, command);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                JsonSerializer.Serialize(stream, me);
                return new UpgradeLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                var owner = ReadOwner(path);
                if (owner is not null && IsAlive(owner))
                    throw new UpgradeLockedException(
                        $"Another upgrade holds the lock {path}: '{owner.Command}' by {owner.User} (pid {owner.ProcessId} on {owner.Host}, " +
                        $"started {owner.StartedAt:u}). Wait for it to finish; two upgrades at once would corrupt the deployment.");
                if (!removeStaleLock)
                    throw new UpgradeLockedException(
                        $"A stale upgrade lock {path} was left by " +
                        (owner is null ? "an unreadable owner" : $"'{owner.Command}' (pid {owner.ProcessId} on {owner.Host}, started {owner.StartedAt:u}), which is no longer running") +
                        ". Check ./build.sh Status for an unfinished upgrade, then rerun with --remove-stale-lock.");
                File.Delete(path);
            }
        }
        throw new UpgradeLockedException($"Could not take the upgrade lock {path}.");
    }

    public static LockOwner? ReadOwner(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LockOwner>(File.ReadAllText(path));
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A lock from another host cannot be checked from here, so it counts as alive.</summary>
    static bool IsAlive(LockOwner owner)
    {
        if (owner.Host != Environment.MachineName)
            return true;
        try
        {
            using var process = Process.GetProcessById(owner.ProcessId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_held)
            return;
        _held = false;
        File.Delete(_path);
    }
}

public sealed class UpgradeLockedException(string message) : Exception(message);
