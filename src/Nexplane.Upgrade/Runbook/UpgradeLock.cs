using System.Diagnostics;
using System.Text.Json;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Runbook;

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

    public static UpgradeLock Acquire(string directory, string composeFile, string command, bool removeStaleLock, OperatorAdvice advice)
    {
        Directory.CreateDirectory(directory);
        var path = PathFor(directory, composeFile);
        var me = new LockOwner(Environment.UserName, Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, RedactSecrets(command));
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
                        $". If it was interrupted mid-upgrade, {advice.Status} shows the unfinished upgrade; roll it back with " +
                        $"{advice.Rollback} {advice.Flag(Setting.RemoveStaleLock)}, or continue it with {advice.Upgrade} <its version> {advice.ResumeOption} {advice.Flag(Setting.RemoveStaleLock)}.");
                File.Delete(path);
            }
        }
        throw new UpgradeLockedException($"Could not take the upgrade lock {path}.");
    }

    /// <summary>
    /// The command is shown to whoever finds the lock (and stored in a world-readable file): values of options named
    /// like a secret (<c>--login-password x</c>, <c>--github-token=x</c>) are replaced by <c>***</c>.
    /// </summary>
    public static string RedactSecrets(string command)
    {
        static bool NamesSecret(string option) =>
            option.StartsWith('-') && new[] { "password", "token", "secret" }.Any(word => option.Contains(word, StringComparison.OrdinalIgnoreCase));

        var words = command.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            var equals = words[i].IndexOf('=');
            if (equals > 0 && NamesSecret(words[i][..equals]))
                words[i] = words[i][..(equals + 1)] + "***";
            else if (NamesSecret(words[i]) && i + 1 < words.Length && !words[i + 1].StartsWith('-'))
                words[++i] = "***";
        }
        return string.Join(' ', words);
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
            // The record names a pid; the machine says whose it is now: a process started after the lock was taken is
            // another one that reuses the pid (after a reboot, say), not the owner.
            return !process.HasExited && process.StartTime.ToUniversalTime() <= owner.StartedAt.UtcDateTime.AddSeconds(1);
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
