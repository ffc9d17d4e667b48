using Nexplane.Upgrade.Runbook;
using Nuke.Common;
using Nuke.Common.IO;

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
        var steps = ExecutionPlan.Where(t => t.Status != ExecutionStatus.Collective).Select(target =>
            new StepRecord(target.Name, target.Status.ToString(), Math.Round(target.Duration.TotalSeconds, 3),
                target.SummaryInformation.Count > 0 ? string.Join(", ", target.SummaryInformation.Select(p => $"{p.Key}: {p.Value}")) : null));
        Run.FinishReport(steps, SucceededTargets.Contains(Verify), IsSucceeding, UpgradeStateDirectory);
    }
}
