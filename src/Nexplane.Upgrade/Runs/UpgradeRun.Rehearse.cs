using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Rehearse;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// Rehearse (Steps/Rehearse): the upgrade against a throwaway copy of the deployment, and what the upgrade's Preflight
/// says of the last rehearsal. Neither touches the run's journal or report.
/// </summary>
public sealed partial class UpgradeRun
{
    /// <summary>The rehearsal, its report saved for the upgrade's Preflight; throws when it failed, saying the deployment was not touched.</summary>
    public async Task<RehearsalReport> RehearseAsync(PreflightSettings preflightSettings, IRehearsalDeployment deployment, RehearsalOptions options,
        CancellationToken cancellationToken) =>
        (await new RehearseStep(output, Clock).RunAsync(new RehearseInput(preflightSettings, options), deployment, cancellationToken)).Report;

    /// <summary>Preflight shows the last rehearsal of this path; when one is required, a missing passing one is a gate that fails.</summary>
    /// <param name="database">The database there now: only a rehearsal of it counts (null: any, e.g. it could not be read).</param>
    public PreflightReport WithRehearsalGate(PreflightReport preflight, RehearsalReports rehearsals, string composeFile, bool required,
        DatabaseIdentity? database) =>
        new RehearsalGate(output, advice, Clock).Apply(preflight, rehearsals, composeFile, required, database);
}
