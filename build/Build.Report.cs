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
    UpgradeReport Report => Run.Report;

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
        var agentsBehind = Report.Agents.Count(agent => !agent.IsSuccess);
        Report.Outcome ??= SucceededTargets.Contains(Verify)
            ? agentsBehind == 0
                ? $"upgraded and healthy on {Report.ToVersion}"
                : $"control plane upgraded and healthy on {Report.ToVersion}; {agentsBehind} of {Report.Agents.Count} agent host(s) not upgraded"
            : IsSucceeding ? "succeeded" : "failed";
        if (SucceededTargets.Contains(Verify))
            Log.Information("{Headline:l}: Nexplane {From} -> {To}, downtime {Downtime:0.0} s, backup {Backup}{Agents:l}",
                agentsBehind == 0 ? "Upgraded and healthy" : "Control plane upgraded and healthy", Report.FromVersion ?? "?", Report.ToVersion ?? "?", Report.DowntimeSeconds ?? 0, Report.BackupFile ?? "none", AgentsClause(agentsBehind));

        Directory.CreateDirectory(UpgradeStateDirectory);
        var jsonFile = UpgradeStateDirectory / $"report-{Report.Id}.json";
        File.WriteAllText(jsonFile, Report.ToJson());
        File.WriteAllText(UpgradeStateDirectory / $"report-{Report.Id}.md", Report.ToMarkdown());
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
            File.AppendAllText(stepSummary, Report.ToMarkdown());
        Log.Information("Report: {ReportFile}", jsonFile.ToString());
    }

    /// <summary>How the closing line speaks of the agents: nothing when the agent step did not run.</summary>
    string AgentsClause(int agentsBehind) =>
        Report.Agents.Count == 0 ? ""
        : agentsBehind == 0 ? $", agents {Report.Agents.Count}/{Report.Agents.Count} on {Report.ToVersion}"
        : $"; but {agentsBehind} of {Report.Agents.Count} agent host(s) are NOT on {Report.ToVersion} (see Agents above)";
}
