using Nexplane.Upgrade.Runs;
using Nuke.Common;

partial class Build
{
    /// <summary>Read-only: what an operator asks first at 3 a.m. Never fails because the deployment is down.</summary>
    Target Status => _ => _
        .Description("Shows the running version, an unfinished upgrade if any, and the latest backups")
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(ResolveDeploymentAlone)
        .Executes(async cancellationToken =>
            await new DeploymentStatus(Run.Output, Advice).ShowAsync(Deployment, Journals, BackupDirectoryPath, Live,
                Nexplane.Upgrade.Runbook.UpgradeLock.Inspect(UpgradeStateDirectory, Deployment.ComposeFile), cancellationToken));
}
