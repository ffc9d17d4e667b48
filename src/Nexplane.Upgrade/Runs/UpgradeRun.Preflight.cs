using Nexplane.Upgrade.Journal;
using Nexplane.Upgrade.Preflight;

namespace Nexplane.Upgrade.Runs;

/// <summary>Preflight's findings, which every later step reads: the versions, the images, what the release notes say.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>What Preflight found, in this run or (resumed) in the interrupted one; null before it ran.</summary>
    public PreflightReport? Preflight { get; private set; }

    /// <summary>What the release notes announced, from this run's Preflight or the resumed upgrade's journal.</summary>
    public bool AnnouncesMigrations => Preflight?.Path?.AnnouncesMigrations ?? Journal?.AnnouncesMigrations ?? false;

    /// <summary>
    /// Keeps what Preflight found and says it: the release notes' digest, each service's move, the notices. An upgrade
    /// that may go ahead is recorded in the journal, so a resumed run moves to exactly the same images. Throws, with
    /// every problem at once, when it may not.
    /// </summary>
    public void RecordPreflight(PreflightReport report, bool backupAfterStop)
    {
        Preflight = report;
        Report.FromVersion = report.Current?.ToString();
        Report.ToVersion = report.Target.ToString();

        if (report.Path is { } path)
            foreach (var line in PreflightDigest.Lines(path))
                output.Line(line);
        foreach (var upgrade in report.Services)
            output.Information("{Service}: {From} -> {To}", upgrade.Service, upgrade.From.ToString(), upgrade.To.ToString());
        foreach (var notice in report.Notices)
            output.Warning("{Notice}", notice);

        output.Summary("Path", $"{report.Current?.ToString() ?? "?"} -> {report.Target}");
        if (report.CanUpgrade)
        {
            Journal!.BackupAfterStop = backupAfterStop;
            ResumedPreflight.Record(Journal, report);
        }
        if (!report.CanUpgrade)
            throw new InvalidOperationException(
                $"Preflight found {report.Failures.Count} problem(s); nothing was changed:" + Environment.NewLine +
                string.Join(Environment.NewLine, report.Failures.Select(f => $"  [{f.Gate}] {f.Message}")));
    }

    /// <summary>A resumed upgrade continues with the versions and images the interrupted run's Preflight chose.</summary>
    public void ContinueFromJournal()
    {
        var journal = Journal ?? throw new InvalidOperationException("Begin the journal of the upgrade to resume first.");
        Preflight = ResumedPreflight.FromJournal(journal);
        MigrationHeadFromLogs = journal.MigrationHead;
        Report.FromVersion = journal.FromVersion;
        Report.ToVersion = journal.ToVersion;
        output.Information("Preflight passed in the interrupted run; continuing {From} -> {To} with the images it chose", journal.FromVersion, journal.ToVersion);
        output.Summary("Resumed", $"{journal.FromVersion} -> {journal.ToVersion}");
    }
}
