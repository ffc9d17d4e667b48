using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Steps;
using Nexplane.Upgrade.Steps.Agents;
using Nexplane.Upgrade.Steps.Backup;
using Nexplane.Upgrade.Steps.Frontend;
using Nexplane.Upgrade.Steps.Pull;
using Nexplane.Upgrade.Steps.StartBackend;
using Nexplane.Upgrade.Steps.Stop;
using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Steps.VerifyMigrations;

namespace Nexplane.Upgrade.DryRun;

/// <summary>
/// The dry run's answer: every action the upgrade would take, in the order it would take them, with what it would
/// act on (images and digests, services, files and lines, the backup, the migrations, agent hosts and waves), and the
/// downtime to expect. Pure text from an <see cref="UpgradeForecast"/>, so it is tested without a deployment; each
/// step's text is its own (<c>Steps/&lt;Step&gt;/&lt;Step&gt;DryRun.cs</c>), put here in the runbook's order.
/// </summary>
public static class DryRunPlan
{
    public const string Unmeasured = "unknown, run Rehearse (or an upgrade of the same path) to measure it";

    public static IReadOnlyList<string> Lines(UpgradeForecast forecast)
    {
        var preflight = forecast.Preflight;
        var lines = new List<string>
        {
            $"Dry run: the upgrade {Route(preflight)} of {forecast.ComposeFile} would take these actions, in order. Nothing was changed.",
        };
        var steps = RunbookTable.InOrder(forecast.BackupAfterStop).Where(step => step != RunbookStep.Preflight).ToArray();
        var done = steps.Where(step => forecast.DoneBeforeResuming.Contains(step.ToString())).ToArray();
        if (done.Length > 0)
            lines.Add($"  Done by the interrupted run (its journal records them), not repeated: {string.Join(", ", done)}");
        var number = 0;
        foreach (var step in steps.Except(done))
        {
            var (action, details) = Describe(step, forecast);
            lines.Add($"  {++number}. {step}: {action}");
            lines.AddRange(details.Select(detail => "       " + detail));
        }
        lines.Add($"  On a failure from Stop to Verify, Rollback restores the backup if the database may have migrated, puts the files back byte for byte and starts {preflight.Current?.ToString() ?? "the previous version"} again.");
        lines.Add($"Predicted downtime: {forecast.Downtime?.ToString() ?? Unmeasured}");
        return lines;
    }

    /// <summary>"0.2.0 -> 0.3.0 -> 0.4.0": the stops are Preflight's (a resumed run's, its journal's).</summary>
    static string Route(Steps.Preflight.PreflightReport preflight) =>
        Releases.UpgradePath.RouteOf(preflight.Current?.ToString(), preflight.Stops.Select(s => s.Version.ToString()), preflight.Target.ToString());

    /// <summary>Each step's own dry-run text (in its folder under Steps/), given what the forecast knows.</summary>
    static StepPlan Describe(RunbookStep step, UpgradeForecast forecast)
    {
        var preflight = forecast.Preflight;
        return step switch
        {
            RunbookStep.Backup or RunbookStep.BackupAfterStopping => BackupDryRun.Plan(forecast.BackupSource, forecast.BackupArchive),
            RunbookStep.Pull => PullDryRun.Plan([.. preflight.Stops.Select(stop => stop.Backend), .. preflight.Services]),
            RunbookStep.Stop => StopDryRun.Plan(forecast.StopServices, forecast.StopTimeout, forecast.ProtectedServices),
            RunbookStep.StartBackend => StartBackendDryRun.Plan(forecast.StopServices, forecast.BackendFileChanges, preflight.Path?.Releases ?? [],
                preflight.Stops.Select(stop => stop.Version).ToArray()),
            RunbookStep.VerifyMigrations => VerifyMigrationsDryRun.Plan(preflight.Path?.AnnouncesMigrations == true, preflight.AlembicRevisions),
            RunbookStep.Frontend => FrontendDryRun.Plan(forecast.FrontendService,
                preflight.Services.FirstOrDefault(s => s.Service == forecast.FrontendService)?.To, forecast.FrontendUrl, forecast.FrontendFileChanges),
            RunbookStep.Verify => VerifyDryRun.Plan(preflight.Target, forecast.ApiUrl, forecast.LoginEmail),
            RunbookStep.Agents => AgentsDryRun.Plan(forecast.AgentsSkipped, forecast.AgentWaves, forecast.AgentSource),
            _ => new StepPlan(""),
        };
    }
}
