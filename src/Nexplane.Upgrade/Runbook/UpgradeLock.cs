using System.Text.Json;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Runbook;

/// <summary>Who holds the upgrade lock.</summary>
/// <param name="BootId">The kernel's boot id when the lock was taken (Linux); null in locks written before it was recorded.</param>
/// <param name="ProcessStartTicks">The owner's start in clock ticks since boot (<c>/proc/&lt;pid&gt;/stat</c>): exact, unlike a wall-clock time.</param>
public sealed record LockOwner(string User, int ProcessId, string Host, DateTimeOffset StartedAt, string Command,
    string? BootId = null, long? ProcessStartTicks = null);

/// <summary>The lock file of a deployment as it is now: who holds it and what this machine can tell about them.</summary>
public sealed record LockInspection(string Path, LockOwner? Owner, LockHolderState State);

/// <summary>
/// One upgrade at a time per deployment: a lock file, named after the deployment's compose file, created atomically
/// (O_EXCL) with its owner, pid, host and start time. A lock whose process is provably gone (this host, that pid not
/// running or started since) is taken over by the commands that continue or undo an interrupted upgrade; one from
/// another host, or one that names no owner, is removed only when the operator says so; a running one never.
/// Different deployments upgraded from one checkout do not block each other.
/// </summary>
public sealed class UpgradeLock : IDisposable
{
    readonly string _path;
    bool _held;

    readonly LockOwner _owner;

    UpgradeLock(string path, LockOwner owner, LockInspection? replaced)
    {
        _path = path;
        _owner = owner;
        _held = true;
        Replaced = replaced;
    }

    /// <summary>The lock this one replaced (its owner gone, or removed as the operator asked); null when the lock was free.</summary>
    public LockInspection? Replaced { get; }

    public static string PathFor(string directory, string composeFile) =>
        System.IO.Path.Combine(directory, $"upgrade-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(composeFile))))[..12]}.lock");

    /// <summary>The deployment's lock as it is now; null when none is held.</summary>
    public static LockInspection? Inspect(string directory, string composeFile)
    {
        var path = PathFor(directory, composeFile);
        if (!File.Exists(path))
            return null;
        var owner = ReadOwner(path);
        return new LockInspection(path, owner, LockHolder.Judge(owner));
    }

    /// <param name="takeOverAbandoned">
    /// Take over a lock whose owner is provably gone: the commands that continue or undo the upgrade it left (--resume, Rollback).
    /// </param>
    /// <param name="versionToResume">The unfinished upgrade's version, if one is recorded: the advice names it.</param>
    public static UpgradeLock Acquire(string directory, string composeFile, string command, bool removeStaleLock, OperatorAdvice advice,
        bool takeOverAbandoned = false, string? versionToResume = null)
    {
        Directory.CreateDirectory(directory);
        var path = PathFor(directory, composeFile);
        var me = new LockOwner(Environment.UserName, Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, RedactSecrets(command),
            ProcessIdentity.BootId(), ProcessIdentity.StartTicks(Environment.ProcessId));
        LockInspection? replaced = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (TryCreate(path, me))
                return new UpgradeLock(path, me, replaced);
            var owner = ReadOwner(path);
            var state = LockHolder.Judge(owner);
            if (state is LockHolderState.Running)
                throw new UpgradeLockedException(
                    $"Another upgrade holds the lock {path}: '{owner!.Command}' by {owner.User} (pid {owner.ProcessId} on {owner.Host}, " +
                    $"started {owner.StartedAt:u}). Wait for it to finish; two upgrades at once would corrupt the deployment.");
            var mayRemove = removeStaleLock || (takeOverAbandoned && state is LockHolderState.Gone);
            if (!mayRemove)
                throw new UpgradeLockedException(Refusal(path, owner, state, versionToResume, advice));
            // Two commands may judge the same stale lock at once: only the one holding the takeover guard replaces it,
            // and only if the lock is still the one it judged; the other finds the new owner on its next attempt.
            using (var guard = TakeoverGuard.TryTake(path))
            {
                if (guard is null)
                    throw new UpgradeLockedException(
                        $"Another command is taking over the stale upgrade lock {path} at this moment; run {advice.Status} to see which, then decide.");
                if (ReadOwner(path) == owner)
                {
                    replaced = new LockInspection(path, owner, state);
                    File.Delete(path);
                    if (TryCreate(path, me))
                        return new UpgradeLock(path, me, replaced);
                }
            }
        }
        throw new UpgradeLockedException($"Could not take the upgrade lock {path}.");
    }

    /// <summary>Creates the lock file with <paramref name="owner"/> in it, atomically; false when one exists.</summary>
    static bool TryCreate(string path, LockOwner owner)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            JsonSerializer.Serialize(stream, owner);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    /// <summary>Why the lock is not taken, and the command that takes it: every one works as printed.</summary>
    static string Refusal(string path, LockOwner? owner, LockHolderState state, string? versionToResume, OperatorAdvice advice)
    {
        var removeFlag = advice.Flag(Setting.RemoveStaleLock);
        var who = owner is null ? "" : $"'{owner.Command}' (pid {owner.ProcessId} on {owner.Host}, started {owner.StartedAt:u})";
        string Continue(string flag) =>
            $"{advice.Status} shows its unfinished upgrade; roll it back with {advice.Rollback}{flag}, or continue it with " +
            $"{advice.Upgrade} {versionToResume} {advice.ResumeOption}{flag}.";
        return state switch
        {
            // Provably gone: the commands that continue or undo its upgrade take the lock over by themselves.
            LockHolderState.Gone => $"A stale upgrade lock {path} was left by {who}, which is no longer running. " + (versionToResume is null
                ? $"No unfinished upgrade is recorded; add {removeFlag} to this command to remove it."
                : Continue("")),
            LockHolderState.OnAnotherHost => $"The upgrade lock {path} was taken on another host by {who}; from {Environment.MachineName} " +
                                             "it cannot be told whether that run is still going. If it is, wait for it to finish. If it is not, " +
                                             (versionToResume is null ? $"add {removeFlag} to this command." : Continue(" " + removeFlag)),
            _ => $"A stale upgrade lock {path} was left by an unreadable owner. " + (versionToResume is null
                ? $"Add {removeFlag} to this command to remove it."
                : Continue(" " + removeFlag)),
        };
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

    public void Dispose()
    {
        if (!_held)
            return;
        _held = false;
        // Only this run's own lock: one an operator removed and another run took since is that run's.
        if (ReadOwner(_path) == _owner)
            File.Delete(_path);
    }
}

public sealed class UpgradeLockedException(string message) : Exception(message);
