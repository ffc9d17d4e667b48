using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.DryRun;
using Nexplane.Upgrade.Steps.Agents;

namespace Nexplane.Upgrade.Runs;

/// <summary>--dry-run: every action the upgrade would take, in order, from Preflight's findings; nothing is done.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>Prints the plan and records that nothing changed.</summary>
    public void DescribeUpgrade(Deployment deployment, LiveDeploymentSettings settings, BackupPolicy backups, bool backupAfterStop,
        IDowntimePrediction downtime)
    {
        foreach (var line in DryRunPlan.Lines(Forecast(deployment, settings, backups, backupAfterStop, downtime)))
            output.Line(line);
        Report.Outcome = "dry run: nothing changed";
    }

    /// <summary>What each step would act on, computed from Preflight's findings and the settings without acting.</summary>
    UpgradeForecast Forecast(Deployment deployment, LiveDeploymentSettings settings, BackupPolicy backups, bool backupAfterStop,
        IDowntimePrediction downtime)
    {
        var preflight = Preflight ?? throw new InvalidOperationException("The dry run describes what Preflight found; Preflight has not run.");
        var agents = settings.Agents;
        var backendServices = PresentServices(deployment.StopServices).ToArray();
        var frontend = deployment.AppServices.Contains(deployment.FrontendService) && UpgradesFrontend(deployment.FrontendService)
            ? deployment.FrontendService
            : null;
        var pinner = new TagPinner(deployment.ComposeFile, deployment.EnvFile, Report.Id, advice);
        var backendPins = Pins(backendServices);
        var backendChanges = pinner.Preview(backendPins);
        var agentsSkipped = AgentUpgrade.Decide(AgentUpgradeRequired, agents) switch
        {
            AgentUpgradeDecision.NotRequired => $"the release notes do not require an agent upgrade ({advice.Flag(Setting.UpgradeAgents)} would force it)",
            AgentUpgradeDecision.LeftToOperator => $"left to the operator ({advice.Flag(Setting.SkipAgents)})",
            _ => null,
        };
        var agentHosts = preflight.AgentHosts is { Count: > 0 } checkedHosts ? checkedHosts
            : agents.HostsFile is not null ? AgentHostsFileReader.Load(agents.HostsFile)
            : [];
        return new UpgradeForecast
        {
            Preflight = preflight,
            ComposeFile = deployment.ComposeFile,
            BackupAfterStop = backupAfterStop,
            BackupArchive = new BackupFiles(backups.Directory).NewArchivePath(DateTimeOffset.UtcNow, preflight.Current?.ToString() ?? "unknown", backups.Format),
            BackupSource = $"database {deployment.Database.Name} (pg_dump, {settings.BackupMode} mode, {backups.Format} format)",
            StopServices = backendServices,
            ProtectedServices = deployment.ProtectedServices,
            StopTimeout = settings.Timeouts.Stop,
            BackendFileChanges = backendChanges,
            FrontendFileChanges = frontend is null ? [] : PlannedFileChanges.Remaining(pinner.Preview([.. backendPins, .. Pins([frontend])]), backendChanges),
            FrontendService = frontend,
            FrontendUrl = deployment.FrontendUrl?.ToString(),
            ApiUrl = deployment.ApiUrl.ToString(),
            LoginEmail = settings.Login.Email,
            AgentWaves = agentsSkipped is null ? AgentRollout.PlanWaves(agentHosts, agents.WaveSize) : [],
            AgentsSkipped = agentsSkipped,
            AgentSource = agentsSkipped is null ? AgentsDryRun.Source(agents, agentHosts.Count) : null,
            // Only a rehearsal or a past upgrade of the same route counts: the same stops on the way.
            Downtime = preflight.Current is { } current
                ? downtime.Predict(current, preflight.Target, preflight.Stops.Select(stop => stop.Version.ToString()).ToArray())
                : null,
            DoneBeforeResuming = StepsDoneBeforeResuming,
        };
    }

    (string Service, string Tag)[] Pins(IEnumerable<string> services) =>
        services.Select(service => (service, ServiceUpgrades.First(u => u.Service == service).To.Tag!)).ToArray();
}
