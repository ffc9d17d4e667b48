using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Backup;

namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>What Rehearse reads of the deployment (Preflight's facts, its backups) and the throwaway copy it runs the upgrade on.</summary>
public interface IRehearsalDeployment : IDatabaseBackup
{
    Deployment Deployment { get; }

    /// <summary>Which database the deployment uses now: an existing backup is reused only when taken from it.</summary>
    Task<DatabaseIdentity> DatabaseIdentityAsync(CancellationToken cancellationToken);

    Task<PreflightReport> PreflightAsync(PreflightSettings preflightSettings, CancellationToken cancellationToken);

    /// <summary>Loads <paramref name="archive"/> into a throwaway copy, upgrades the copy, and reports; the deployment is only read.</summary>
    Task<RehearsalReport> RehearseAsync(PreflightReport preflight, string archive, string stateDirectory, CancellationToken cancellationToken);
}
