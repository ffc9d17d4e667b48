using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// The backup directory: how archives are named (<c>nexplane-backup-YYYYMMDD-HHMMSS-&lt;version&gt;.dump|.sql</c>),
/// created with owner-only permissions, listed newest first, and pruned.
/// </summary>
public sealed partial class BackupFiles(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>A new archive's path; a second backup within the same second gets a counter instead of a clash.</summary>
    public string NewArchivePath(DateTimeOffset now, string version, BackupFormat format)
    {
        var stem = $"nexplane-backup-{now.UtcDateTime:yyyyMMdd-HHmmss}-{version}";
        var path = Path.Combine(Directory, stem + Extension(format));
        for (var counter = 2; File.Exists(path) || File.Exists(path + ".partial"); counter++)
            path = Path.Combine(Directory, $"{stem}-{counter}{Extension(format)}");
        return path;
    }

    public static string Extension(BackupFormat format) => format == BackupFormat.Custom ? ".dump" : ".sql";

    /// <summary>Creates the directory readable by its owner only: backups hold every password hash and token.</summary>
    public void EnsureExists()
    {
        if (OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(Directory);
        else
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Archives with their manifests (null when missing or unreadable), newest first.</summary>
    public IReadOnlyList<(string Archive, BackupManifest? Manifest, DateTime TakenAt)> List()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return System.IO.Directory.EnumerateFiles(Directory, "nexplane-backup-*")
            .Where(path => !path.EndsWith(".manifest.json", StringComparison.Ordinal) && !path.EndsWith(".partial", StringComparison.Ordinal))
            .Select(path => (Archive: path, Manifest: TryReadManifest(path), TakenAt: TakenAt(path)))
            .OrderByDescending(entry => entry.TakenAt)
            .ThenByDescending(entry => entry.Archive, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The newest archive whose manifest says it was verified and whose bytes still match its sha256.</summary>
    public string? NewestVerified() => Verified().FirstOrDefault().Archive;

    /// <summary>The verified archives (a manifest that says so, and the archive still matches its sha256), newest first.</summary>
    public IEnumerable<(string Archive, BackupManifest Manifest)> Verified() =>
        List().Where(entry => entry.Manifest is { Verified: true } manifest && Sha256Of(entry.Archive) == manifest.Sha256)
            .Select(entry => (entry.Archive, entry.Manifest!));

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> archives and deletes older ones, but never the newest verified
    /// archive, whatever <paramref name="keep"/> says. Returns the deleted archives.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep)
    {
        var entries = List();
        var newestVerified = NewestVerified();
        var deleted = new List<string>();
        foreach (var entry in entries.Skip(Math.Max(keep, 0)))
        {
            if (entry.Archive == newestVerified)
                continue;
            File.Delete(entry.Archive);
            File.Delete(BackupManifest.PathFor(entry.Archive));
            deleted.Add(entry.Archive);
        }
        return deleted;
    }

    /// <summary>Whether a plain dump ends with pg_dump's last line (looked for in its last 4 KiB): else it was cut short.</summary>
    public static bool EndsWithPlainDumpTrailer(string path)
    {
        using var stream = File.OpenRead(path);
        var length = Math.Min(stream.Length, 4096);
        stream.Seek(-length, SeekOrigin.End);
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer).Contains(PgDumpCommands.PlainDumpTrailer, StringComparison.Ordinal);
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static BackupManifest? TryReadManifest(string archive)
    {
        try
        {
            return File.Exists(BackupManifest.PathFor(archive)) ? BackupManifest.Read(BackupManifest.PathFor(archive)) : null;
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            return null;
        }
    }

    static DateTime TakenAt(string path)
    {
        var match = TimestampPattern().Match(Path.GetFileName(path));
        return match.Success && DateTime.TryParseExact(match.Groups["stamp"].Value, "yyyyMMdd-HHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamp)
            ? stamp
            : File.GetLastWriteTimeUtc(path);
    }

    [GeneratedRegex(@"^nexplane-backup-(?<stamp>\d{8}-\d{6})")]
    private static partial Regex TimestampPattern();
}
