using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Rehearse;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Rehearse;

/// <summary>Which backup the copy loads: the operator's, a recent verified one of the running version, or a fresh one.</summary>
public sealed class RehearsalBackupTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    static readonly DatabaseIdentity LiveDatabase = new("7000000000000000001", 16384, "nexplane");

    static (string, BackupManifest?, DateTime) Backup(string version, TimeSpan age, bool verified = true, DatabaseIdentity? takenFrom = null) =>
        ($"/b/nexplane-backup-{version}-{age.TotalMinutes}.dump", new BackupManifest
        {
            ArchiveFile = "x", Format = BackupFormat.Custom, Sha256 = "h", SizeBytes = 1, NexplaneVersion = version,
            Images = new Dictionary<string, string>(), AlembicRevisions = [], RowCounts = new Dictionary<string, long>(), DatabaseSizeBytes = 1,
            Database = "nexplane", Mode = BackupMode.Host, ToolVersion = "15", StartedAt = Now - age, DumpSeconds = 1, VerifySeconds = 1,
            Verified = verified, DatabaseIdentity = takenFrom ?? LiveDatabase,
        }, (Now - age).UtcDateTime);

    static RehearsalBackupChoice Choose(params (string, BackupManifest?, DateTime)[] backups) =>
        RehearsalBackup.Choose(null, backups, "0.2.0", Now, TimeSpan.FromHours(24), (_, _) => true, LiveDatabase, TestAdvice.Nuke);

    [Fact]
    public void The_operators_backup_file_wins()
    {
        var choice = RehearsalBackup.Choose("/mine.dump", [Backup("0.2.0", TimeSpan.FromMinutes(5))], "0.2.0", Now, TimeSpan.FromHours(24), (_, _) => true, LiveDatabase, TestAdvice.Nuke);

        Assert.Equal("/mine.dump", choice.Archive);
    }

    [Fact]
    public void The_newest_verified_backup_of_the_running_version_is_used_when_recent()
    {
        var choice = Choose(Backup("0.3.0", TimeSpan.FromMinutes(1)), Backup("0.2.0", TimeSpan.FromMinutes(30), verified: false),
            Backup("0.2.0", TimeSpan.FromHours(2)), Backup("0.2.0", TimeSpan.FromHours(3)));

        Assert.Equal(Backup("0.2.0", TimeSpan.FromHours(2)).Item1, choice.Archive);
        Assert.False(choice.TakeFreshBackup);
    }

    [Fact]
    public void A_fresh_backup_is_taken_when_there_is_none_of_the_running_version()
    {
        var choice = Choose(Backup("0.1.0", TimeSpan.FromMinutes(1)));

        Assert.True(choice.TakeFreshBackup);
        Assert.Contains("no verified backup of the running version 0.2.0", choice.Reason);
    }

    [Fact]
    public void A_fresh_backup_is_taken_when_the_newest_is_older_than_the_limit()
    {
        var choice = Choose(Backup("0.2.0", TimeSpan.FromHours(30)));

        Assert.True(choice.TakeFreshBackup);
        Assert.Contains("30 h old", choice.Reason);
    }

    [Fact]
    public void A_fresh_backup_is_taken_when_the_newest_no_longer_matches_its_sha256()
    {
        var choice = RehearsalBackup.Choose(null, [Backup("0.2.0", TimeSpan.FromHours(1))], "0.2.0", Now, TimeSpan.FromHours(24), (_, _) => false, LiveDatabase, TestAdvice.Nuke);

        Assert.True(choice.TakeFreshBackup);
        Assert.Contains("sha256", choice.Reason);
    }

    [Fact]
    public void A_backup_of_an_earlier_installation_is_not_reused()
    {
        var reinstalled = LiveDatabase with { SystemIdentifier = "7000000000000000002" };
        var choice = Choose(Backup("0.2.0", TimeSpan.FromMinutes(5), takenFrom: reinstalled));

        Assert.True(choice.TakeFreshBackup);
        Assert.Contains("taken from the database the deployment uses now", choice.Reason);
    }

    [Fact]
    public void The_newest_backup_of_this_database_is_used_past_a_newer_one_of_a_replaced_database()
    {
        var replaced = LiveDatabase with { Oid = 99999 };
        var choice = Choose(Backup("0.2.0", TimeSpan.FromMinutes(5), takenFrom: replaced), Backup("0.2.0", TimeSpan.FromMinutes(10)));

        Assert.Equal(Backup("0.2.0", TimeSpan.FromMinutes(10)).Item1, choice.Archive);
    }
}
