using Nexplane.Upgrade.DryRun;
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
        .Executes(ResolveDeployment)
        .Executes(() => Run.DescribeUpgrade(Deployment, Live.Settings, BackupPolicy, BackupAfterStop,
            new FirstDowntimePrediction(new RehearsalDowntime(Rehearsals, Deployment.ComposeFile), new PastUpgradeDowntime(Journals, Deployment.ComposeFile))));
}
