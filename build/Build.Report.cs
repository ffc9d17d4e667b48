using Nexplane.Upgrade.Journal;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

/// <summary>
/// The run's report: the steps fill <see cref="Report"/> as they go; when the build finishes it is written as JSON
/// under .nuke/temp/upgrade/ and as Markdown (also to $GITHUB_STEP_SUMMARY on GitHub Actions).
/// </summary>
partial class Build
{
    readonly UpgradeReport Report = new();

    AbsolutePath UpgradeStateDirectory => TemporaryDirectory / "upgrade";

    /// <summary>Only runs that touch a deployment's upgrade get a report.</summary>
    bool RunTouchesAnUpgrade => ExecutionPlan.Any(target => target.Name is nameof(Preflight) or nameof(Rollback) or nameof(Restore));

    protected override void OnBuildFinished()
    {
        EndUpgradeJournal();
        if (!RunTouchesAnUpgrade)
            return;
        foreach (var target in ExecutionPlan.Where(t => t.Status != ExecutionStatus.Collective))
            Report.Steps.Add(new StepRecord(target.Name, target.Status.ToString(), Math.Round(target.Duration.TotalSeconds, 3),
                target.SummaryInformation.Count > 0 ? string.Join(", ", target.SummaryInformation.Select(p => $"{p.Key}: {p.Value}")) : null));
        Report.Outcome ??= SucceededTargets.Contains(Verify)
            ? $"upgraded and healthy on {Report.ToVersion}"
            : IsSucceeding ? "succeeded" : "failed";
        if (SucceededTargets.Contains(Verify))
            Log.Information("Upgraded and healthy: Nexplane {From} -> {To}, downtime {Downtime:0.0} s, backup {Backup}",
                Report.FromVersion ?? "?", Report.ToVersion ?? "?", Report.DowntimeSeconds ?? 0, Report.BackupFile ?? "none");

        Directory.CreateDirectory(UpgradeStateDirectory);
        var jsonFile = UpgradeStateDirectory / $"report-{Report.Id}.json";
        File.WriteAllText(jsonFile, Report.ToJson());
        File.WriteAllText(UpgradeStateDirectory / $"report-{Report.Id}.md", Report.ToMarkdown());
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
            File.AppendAllText(stepSummary, Report.ToMarkdown());
        Log.Information("Report: {ReportFile}", jsonFile.ToString());
    }
}
