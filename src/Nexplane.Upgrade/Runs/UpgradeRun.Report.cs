using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>The run's closing words: the report's outcome, its JSON and Markdown files, and the headline of a verified upgrade.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// Completes the report with <paramref name="steps"/> as they ended and writes it to <paramref name="directory"/>
    /// (and to $GITHUB_STEP_SUMMARY on GitHub Actions). An outcome a step already set (a rollback's) is kept.
    /// </summary>
    public void FinishReport(IEnumerable<StepRecord> steps, bool verifySucceeded, bool succeeding, string directory)
    {
        Report.Steps.AddRange(steps);
        var agentsBehind = Report.Agents.Count(agent => !agent.IsSuccess);
        Report.Outcome ??= verifySucceeded
            ? agentsBehind == 0
                ? $"upgraded and healthy on {Report.ToVersion}"
                : $"control plane upgraded and healthy on {Report.ToVersion}; {agentsBehind} of {Report.Agents.Count} agent host(s) not upgraded: {AgentsLeftBehind.Describe(Report.Agents)}"
            : succeeding ? "succeeded" : "failed";
        if (verifySucceeded && Report.DowntimeSeconds is { } downtime)
            output.Information("{Headline:l}: Nexplane {From} -> {To}, downtime {Downtime:0.0} s, backup {Backup}{Agents:l}",
                Headline(agentsBehind), Report.FromVersion ?? "?", Report.ToVersion ?? "?", downtime, Report.BackupFile ?? "none", AgentsClause(agentsBehind));
        else if (verifySucceeded)
            // The downtime is unknown only after a journal that did not record it: no figure rather than 0.0 s.
            output.Information("{Headline:l}: Nexplane {From} -> {To}, downtime unknown, backup {Backup}{Agents:l}",
                Headline(agentsBehind), Report.FromVersion ?? "?", Report.ToVersion ?? "?", Report.BackupFile ?? "none", AgentsClause(agentsBehind));

        Directory.CreateDirectory(directory);
        var jsonFile = JsonReportFile(directory);
        File.WriteAllText(jsonFile, Report.ToJson());
        File.WriteAllText(Path.Combine(directory, $"report-{Report.Id}.md"), Report.ToMarkdown());
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
            File.AppendAllText(stepSummary, Report.ToMarkdown());
        output.Information("Report: {ReportFile}", jsonFile);
    }

    static string Headline(int agentsBehind) => agentsBehind == 0 ? "Upgraded and healthy" : "Control plane upgraded and healthy";

    /// <summary>How the closing line speaks of the agents: nothing when the agent step did not run.</summary>
    string AgentsClause(int agentsBehind) =>
        Report.Agents.Count == 0 ? ""
        : agentsBehind == 0 ? $", agents {Report.Agents.Count}/{Report.Agents.Count} on {Report.ToVersion}"
        : $"; but {agentsBehind} of {Report.Agents.Count} agent host(s) are NOT on {Report.ToVersion}: {AgentsLeftBehind.Describe(Report.Agents)} (see Agents above)";
}
