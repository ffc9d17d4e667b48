using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Steps.Rehearse;
using Nuke.Common;

/// <summary>
/// Rehearse (src/Nexplane.Upgrade/Steps/Rehearse), then upgrade: the upgrade run against a throwaway copy of the
/// deployment, and the rehearsal's verdict shown (and, with --require-rehearsal, demanded) by the upgrade's Preflight.
/// </summary>
partial class Build
{
    [Parameter("Rehearse on the newest verified backup of the running version only when it is younger than this, else take a fresh one, e.g. 24h")]
    readonly TimeSpan RehearsalBackupMaxAge = TimeSpan.FromHours(24);

    [Parameter("Upgrade only when a passing rehearsal of the same from/to versions exists for this deployment (./build.sh Rehearse)")]
    readonly bool RequireRehearsal;

    RehearsalReports Rehearsals => new(TemporaryDirectory / "rehearsals");

    /// <summary>Read-only for the deployment: Preflight's checks (no journal, no lock), a backup when there is no recent one, and a throwaway copy.</summary>
    Target Rehearse => _ => _
        .Description("Runs the upgrade to --version on a throwaway copy (database from a backup); changes nothing of the deployment")
        .OnlyWhenStatic(() => NotDryRun)
        .Requires(() => Version)
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken =>
        {
            await Run.RehearseAsync(await PreflightSettingsAsync(cancellationToken), Live,
                new RehearsalOptions(BackupFile, RehearsalBackupMaxAge, BackupPolicy, Rehearsals), cancellationToken);
        });
}
