using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// One run of the runbook and its state: the report it fills, the journal of the upgrade it performs (or rolls back),
/// and the findings one step leaves for the next. The build's targets call it, one method per step.
/// </summary>
public sealed partial class UpgradeRun(IRunOutput output)
{
    public UpgradeReport Report { get; } = new();

    /// <summary>The journal of the upgrade this run performs, resumes or rolls back; null before one is chosen.</summary>
    public UpgradeJournal? Journal { get; set; }

    public IRunOutput Output => output;

    /// <summary>
    /// Records how the upgrade ended, when the run ends without having said so. Finished means: the control plane is
    /// healthy on the new version (agents are upgraded host by host afterwards and never roll it back) or back on the
    /// old one; before Stop nothing changed. Anything else stays unfinished, so the next run refuses to start over.
    /// </summary>
    public void EndJournal(bool rollbackSucceeded, bool verifySucceeded, bool stopBegan)
    {
        if (Journal is null || Journal.Outcome is not null)
            return;
        Journal.Outcome = OutcomeAtEnd(rollbackSucceeded, verifySucceeded, stopBegan);
        Journal.Save();
    }

    /// <summary>Each verification gate on its own line, passed or not.</summary>
    public IReadOnlyList<VerificationGate> LogGates(IReadOnlyList<VerificationGate> gates)
    {
        foreach (var gate in gates)
            output.Information("{Gate}", gate.ToString());
        return gates;
    }

    public static UpgradeOutcome? OutcomeAtEnd(bool rollbackSucceeded, bool verifySucceeded, bool stopBegan) =>
        rollbackSucceeded ? UpgradeOutcome.RolledBack
        : verifySucceeded ? UpgradeOutcome.Succeeded
        : !stopBegan ? UpgradeOutcome.NothingChanged
        : null;
}
