namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// Held while one command replaces a stale upgrade lock, so two commands that judged the same stale lock at once never
/// both replace it: a file beside the lock, created atomically (O_EXCL). A guard older than a minute was left by a
/// command killed in the middle of a takeover (which takes milliseconds) and is cleared.
/// </summary>
public sealed class TakeoverGuard : IDisposable
{
    static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(1);
    readonly string _path;

    TakeoverGuard(string path) => _path = path;

    /// <summary>The guard of <paramref name="lockPath"/>; null while another command holds it.</summary>
    public static TakeoverGuard? TryTake(string lockPath)
    {
        var path = lockPath + ".takeover";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                new FileStream(path, FileMode.CreateNew, FileAccess.Write).Dispose();
                return new TakeoverGuard(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < Abandoned)
                    return null;
                File.Delete(path);
            }
        }
        return null;
    }

    public void Dispose() => File.Delete(_path);
}
