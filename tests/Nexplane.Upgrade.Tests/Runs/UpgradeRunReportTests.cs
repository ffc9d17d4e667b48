using System.Text.Json;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>The report a run leaves behind: what CI and the operator read once it is over.</summary>
public sealed class UpgradeRunReportTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), $"run-report-{Guid.NewGuid():N}");
    readonly RecordedOutput _output = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static readonly StepRecord[] Steps = [new("Preflight", "Succeeded", 1, null), new("Verify", "Succeeded", 1, null)];

    [Fact]
    public void The_outcome_a_rollback_recorded_is_kept_in_the_report_file()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        run.Report.Outcome = "rolled back and healthy on 0.2.0";

        run.FinishReport(Steps, verifySucceeded: false, succeeding: false, _directory);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, $"report-{run.Report.Id}.json")));
        Assert.Equal("rolled back and healthy on 0.2.0", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public void A_verified_control_plane_with_agents_behind_says_how_many_and_names_the_failed_host()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);
        run.Record.Append(new VersionsChosen(null, "0.4.0"));
        run.Report.Agents.Add(new AgentHostOutcome("web-01", AgentHostResult.Upgraded, "0.3.0", "0.4.0", "registered", 1));
        run.Report.Agents.Add(new AgentHostOutcome("web-02", AgentHostResult.NeedsHuman, "0.3.0", "0.4.0", "unreachable", 1));

        run.FinishReport(Steps, verifySucceeded: true, succeeding: false, _directory);

        Assert.Equal("control plane upgraded and healthy on 0.4.0; 1 of 2 agent host(s) not upgraded: web-02 needs a human", run.Report.Outcome);
        Assert.Contains(_output.Lines, line => line.StartsWith("INF Control plane upgraded and healthy: Nexplane ? -> 0.4.0")
                                               && line.EndsWith("; but 1 of 2 agent host(s) are NOT on 0.4.0: web-02 needs a human (see Agents above)"));
    }

    [Fact]
    public void A_run_that_failed_before_verify_is_reported_failed()
    {
        var run = new UpgradeRun(_output, TestAdvice.Nuke);

        run.FinishReport(Steps, verifySucceeded: false, succeeding: false, _directory);

        Assert.Equal("failed", run.Report.Outcome);
        Assert.True(File.Exists(Path.Combine(_directory, $"report-{run.Report.Id}.md")));
    }
}
