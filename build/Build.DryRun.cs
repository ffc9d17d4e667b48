using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.DryRun;
using Nexplane.Upgrade.Rehearsals;
using Nuke.Common;

/// <summary>
/// --dry-run: Preflight runs as always, then <see cref="DescribeUpgrade"/> prints every action the upgrade would take,
/// in order; every step that would change something is skipped (<c>OnlyWhen: NotDryRun</c>).
/// </summary>
partial class Build
{
    [Parameter("Run Preflight, then print every action the upgrade would take, in order, and change nothing")]
    readonly bool DryRun;

    /// <summary>Printed as the skip reason of every step that changes something.</summary>
    bool NotDryRun => !DryRun;

    Target DescribeUpgrade => _ => _
        .Description("With --dry-run: prints every action the upgrade would take, with what it acts on; changes nothing")
        .TriggeredBy(Preflight)
        .Before(NotifyUsers, Backup)
        .OnlyWhenStatic(() => DryRun)
        .Executes(() =>
        {
            foreach (var line in DryRunPlan.Lines(Forecast()))
                LogLine(line);
            Report.Outcome = "dry run: nothing changed";
        });

    /// <summary>What each step would act on, computed from Preflight's findings and the parameters without acting.</summary>
    UpgradeForecast Forecast()
    {
        var preflight = Run.Preflight ?? throw new InvalidOperationException("The dry run describes what Preflight found; Preflight has not run.");
        var backendServices = Run.PresentServices(StopServices).ToArray();
        var frontend = AppServices.Contains(FrontendService) && Run.UpgradesFrontend(FrontendService) ? FrontendService : null;
        var pinner = new TagPinner(Deployment.ComposeFile, Deployment.EnvFile, Report.Id);
        var backendPins = Pins(backendServices);
        var backendChanges = pinner.Preview(backendPins);
        return new UpgradeForecast
        {
            Preflight = preflight,
            ComposeFile = Deployment.ComposeFile,
            BackupAfterStop = BackupAfterStop,
            BackupArchive = new BackupFiles(BackupDirectoryPath).NewArchivePath(DateTimeOffset.UtcNow, preflight.Current?.ToString() ?? "unknown", BackupFormat),
            BackupSource = $"database {DatabaseName} (pg_dump, {BackupMode} mode, {BackupFormat} format)",
            StopServices = backendServices,
            ProtectedServices = ProtectedServices,
            StopTimeout = StopTimeout,
            BackendFileChanges = backendChanges,
            FrontendFileChanges = frontend is null ? [] : PlannedFileChanges.Remaining(pinner.Preview([.. backendPins, .. Pins([frontend])]), backendChanges),
            FrontendService = frontend,
            FrontendUrl = Deployment.FrontendUrl?.ToString(),
            ApiUrl = Deployment.ApiUrl.ToString(),
            LoginEmail = LoginEmail,
            AgentWaves = AgentsSkippedReason is null ? AgentRollout.PlanWaves(AgentHostsToUpgrade, AgentWaveSize) : [],
            AgentsSkipped = AgentsSkippedReason,
            Downtime = preflight.Current is { } current
                ? new FirstDowntimePrediction(new RehearsalDowntime(Rehearsals, Deployment.ComposeFile), new PastUpgradeDowntime(Journals, Deployment.ComposeFile)).Predict(current, preflight.Target)
                : null,
        };
    }

    (string Service, string Tag)[] Pins(IEnumerable<string> services) =>
        services.Select(service => (service, Run.ServiceUpgrades.First(u => u.Service == service).To.Tag!)).ToArray();

    string? AgentsSkippedReason =>
        !AgentUpgradeRequired ? "the release notes do not require an agent upgrade (--upgrade-agents would force it)"
        : !AgentsNotLeftToOperator ? "left to the operator (--skip-agents)"
        : null;

    IReadOnlyList<AgentHost> AgentHostsToUpgrade =>
        Run.Preflight?.AgentHosts is { Count: > 0 } checkedHosts ? checkedHosts
        : AgentHostsFile is not null ? AgentHostsFileReader.Load(AgentHostsFile)
        : [];
}
