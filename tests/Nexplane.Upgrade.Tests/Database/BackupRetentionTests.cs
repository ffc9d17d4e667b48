using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

public sealed class BackupRetentionTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"backups-{Guid.NewGuid():N}");
    readonly BackupFiles _files;

    public BackupRetentionTests()
    {
        _files = new BackupFiles(_directory);
        _files.EnsureExists();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Archive(string stamp, bool verified, bool corruptAfterVerify = false)
    {
        var path = Path.Combine(_directory, $"nexplane-backup-{stamp}-0.2.0.dump");
        File.WriteAllText(path, $"archive {stamp}");
        var manifest = new BackupManifest
        {
            ArchiveFile = Path.GetFileName(path), Format = BackupFormat.Custom, Sha256 = BackupFiles.Sha256Of(path),
            SizeBytes = 10, NexplaneVersion = "0.2.0", Images = new Dictionary<string, string>(), AlembicRevisions = ["002_asset_tags"],
            RowCounts = new Dictionary<string, long>(), DatabaseSizeBytes = 1, Database = "nexplane@127.0.0.1:5432/nexplane",
            Mode = BackupMode.Host, ToolVersion = "pg_dump 15", StartedAt = DateTimeOffset.UnixEpoch, DumpSeconds = 1,
            VerifySeconds = 1, Verified = verified,
        };
        File.WriteAllText(BackupManifest.PathFor(path), manifest.ToJson());
        if (corruptAfterVerify)
            File.AppendAllText(path, "bit rot");
        return path;
    }

    [Fact]
    public void Keeps_the_newest_n_backups_and_deletes_older_ones_with_their_manifests()
    {
        var oldest = Archive("20261101-000000", verified: true);
        var middle = Archive("20261102-000000", verified: true);
        var newest = Archive("20261103-000000", verified: true);

        var deleted = _files.Prune(keep: 2);

        Assert.Equal([oldest], deleted);
        Assert.False(File.Exists(BackupManifest.PathFor(oldest)));
        Assert.True(File.Exists(middle) && File.Exists(newest));
    }

    [Fact]
    public void Never_deletes_the_newest_verified_backup_even_when_told_to_keep_none()
    {
        var verified = Archive("20261101-000000", verified: true);
        var unverified = Archive("20261102-000000", verified: false);

        var deleted = _files.Prune(keep: 0);

        Assert.Equal([unverified], deleted);
        Assert.True(File.Exists(verified));
    }

    [Fact]
    public void A_backup_whose_bytes_changed_after_verification_is_not_trusted()
    {
        var older = Archive("20261101-000000", verified: true);
        Archive("20261102-000000", verified: true, corruptAfterVerify: true);

        Assert.Equal(older, _files.NewestVerified());
    }

    [Fact]
    public void Archive_names_carry_timestamp_version_and_format()
    {
        var path = _files.NewArchivePath(new DateTimeOffset(2026, 11, 25, 17, 5, 9, TimeSpan.Zero), "0.2.0", BackupFormat.Plain);

        Assert.Equal("nexplane-backup-20261125-170509-0.2.0.sql", Path.GetFileName(path));
    }

    [Fact]
    public void A_second_backup_in_the_same_second_gets_its_own_name()
    {
        var now = new DateTimeOffset(2026, 11, 25, 17, 5, 9, TimeSpan.Zero);
        File.WriteAllText(_files.NewArchivePath(now, "0.2.0", BackupFormat.Custom), "first");

        var second = _files.NewArchivePath(now, "0.2.0", BackupFormat.Custom);

        Assert.Equal("nexplane-backup-20261125-170509-0.2.0-2.dump", Path.GetFileName(second));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_backup_directory_is_readable_by_its_owner_only()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
    }
}
