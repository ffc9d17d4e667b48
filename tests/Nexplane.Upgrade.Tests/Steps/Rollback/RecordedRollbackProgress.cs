using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Rollback;

namespace Nexplane.Upgrade.Tests.Steps.Rollback;

/// <summary>The rollback's progress as it records it, in order, instead of a journal.</summary>
sealed class RecordedRollbackProgress : IRollbackRecord
{
    public List<string> Checkpoints { get; } = [];

    public void Began() => Checkpoints.Add("began");

    public void DatabaseRestored(DatabaseIdentity restored) => Checkpoints.Add($"database restored as oid {restored.Oid}");

    public void ControlPlaneRolledBack() => Checkpoints.Add("control plane rolled back");
}
