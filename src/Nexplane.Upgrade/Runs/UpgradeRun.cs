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

    /// <summary>What happened in the upgrade this run performs: shared with its journal, read by its report.</summary>
    public RunRecord Record => Report.Record;

    /// <summary>
    /// The journal of the upgrade this run performs or resumes (or, once <see cref="ChooseJournalToRollBack"/> chose
    /// one, rolls back); null before one is chosen. The record of an upgrade set here becomes the run's: a resumed run's
    /// report is the whole upgrade's (the interrupted run's backup, the downtime from its Stop, its migrations). Set to
    /// null, the run no longer acts on it, and its record is no longer the run's.
    /// </summary>
    public UpgradeJournal? Journal
    {
        get => _journal;
        set
        {
            var recordWasTheJournals = _journal is not null && ReferenceEquals(Record, _journal.Record);
            _journal = value;
            if (value is null)
            {
                if (recordWasTheJournals)
                    Report.Record = new RunRecord();
                return;
            }
            if (!ReferenceEquals(Record, value.Record))
            {
                // Nothing is recorded before a run chooses its journal; should anything be, it is kept, after the
                // journal's own. Facts of another journal's record stay in that journal.
                if (!recordWasTheJournals)
                    foreach (var fact in Record.Facts)
                        value.Record.Append(fact);
                Report.Record = value.Record;
            }
            RecordHangUpIn(value);
        }
    }

    /// <summary>
    /// The upgrade an earlier run left, chosen to be rolled back: the run acts on its journal, but its report describes
    /// the rollback, not that upgrade (whose head and downtime would be false after a restore).
    /// </summary>
    void RollBackJournalOfAnEarlierRun(UpgradeJournal journal)
    {
        _journal = journal;
        RecordHangUpIn(journal);
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
