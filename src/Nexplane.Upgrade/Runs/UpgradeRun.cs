using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Runs;

/// <summary>
/// One run of the runbook and its state: the report it fills, the journal of the upgrade it performs (or rolls back),
/// and the findings one step leaves for the next. The build's targets call it, one method per step.
/// </summary>
public sealed partial class UpgradeRun(IRunOutput output, OperatorAdvice advice)
{
    public UpgradeReport Report { get; } = new();

    /// <summary>The journal of the upgrade this run performs, resumes or rolls back; null before one is chosen.</summary>
    public UpgradeJournal? Journal
    {
        get => _journal;
        set
        {
            _journal = value;
            if (value is not null)
                RecordHangUpIn(value);
        }
    }

    UpgradeJournal? _journal;

    public IRunOutput Output => output;

    /// <summary>How the run's advice names flags and commands, as the build spells them.</summary>
    public OperatorAdvice Advice => advice;

    /// <summary>How the run's steps wait and tell the time; tests pass a clock that moves on by each wait at once.</summary>
    public Time.Clock Clock { get; init; } = Time.Clock.System;

    /// <summary>
    /// Records how the upgrade ended (<see cref="RunEnd.Outcome"/>), when the run ends without having said so: a
    /// rollback that already recorded its outcome keeps it.
    /// </summary>
    public void EndJournal(UpgradeOutcome? outcome)
    {
        if (Journal is null || Journal.Outcome is not null)
            return;
        Journal.Outcome = outcome;
        Journal.Save();
    }
}
