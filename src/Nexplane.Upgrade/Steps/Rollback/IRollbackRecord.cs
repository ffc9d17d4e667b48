using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>
/// The rollback's progress, recorded the moment it happens (the run writes it into the upgrade's journal): a rollback
/// killed midway must be recognised, and continued correctly, by the next one.
/// </summary>
public interface IRollbackRecord
{
    /// <summary>From here the deployment may stand anywhere between the two versions; a retried rollback must expect that.</summary>
    void Began();

    /// <summary>The restored database is a new one (another oid): a retried rollback must recognise it as this rollback's.</summary>
    void DatabaseRestored(DatabaseIdentity restored);

    /// <summary>The control plane is back on the previous version and verified: a rerun must not restore the database again.</summary>
    void ControlPlaneRolledBack();
}
