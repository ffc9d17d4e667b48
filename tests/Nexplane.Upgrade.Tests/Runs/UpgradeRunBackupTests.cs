using Nexplane.Upgrade.Journal;
using Nexplane.Upgrade.Runs;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>What the run keeps of the backup: what a rollback restores, and the writes the backup missed.</summary>
public sealed class UpgradeRunBackupTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-backup-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    static Task<IReadOnlyDictionary<string, long>> Counters(params (string Table, long Writes)[] tables) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(tables.ToDictionary(t => t.Table, t => t.Writes));

    [Fact]
    public async Task Tables_written_after_the_backup_are_named_with_how_to_avoid_the_window()
    {
        var run = new UpgradeRun(_output);
        run.BackupStarting(await Counters(("assets", 10), ("users", 3)));

        await run.ReportWriteWindowAsync(_ => Counters(("assets", 12), ("users", 3)), "Take the backup after the stop.", CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { ["assets"] = 2 }, run.Report.TablesWrittenAfterBackup);
        Assert.Contains(_output.Lines, line => line.StartsWith("WRN Write window: 1 table(s)") && line.Contains("(assets: 2 rows)")
                                               && line.EndsWith("Take the backup after the stop."));
    }

    [Fact]
    public async Task Without_a_backup_in_this_run_there_is_no_window_to_report()
    {
        var run = new UpgradeRun(_output);

        await run.ReportWriteWindowAsync(_ => throw new InvalidOperationException("the database is not asked"), "", CancellationToken.None);

        Assert.Null(run.Report.WriteWindowSeconds);
        Assert.Empty(_output.Lines);
    }

    [Fact]
    public void The_verified_backup_is_in_the_journal_for_a_later_rollback()
    {
        Directory.CreateDirectory(_directory);
        var compose = Path.Combine(_directory, "docker-compose.yml");
        File.WriteAllText(compose, "services: {}\n");
        var run = new UpgradeRun(_output) { Journal = UpgradeJournal.Create(_directory, "u1", compose) };
        run.RecordBackup("/backups/nexplane-0.2.0.dump", ["004"]);

        var saved = UpgradeJournal.Load(run.Journal.FilePath);
        Assert.Equal(("/backups/nexplane-0.2.0.dump", "004"), (saved.BackupFile, saved.RevisionBefore));
        Assert.Equal("/backups/nexplane-0.2.0.dump", run.Report.BackupFile);
    }
}
