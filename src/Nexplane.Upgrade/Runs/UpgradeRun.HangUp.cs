using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runs;

/// <summary>The operator's terminal went away (an SSH connection dropped): the run goes on, and its journal says so.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>When the terminal went away; null while it is there.</summary>
    public TerminalHangUp? TerminalHungUp { get; private set; }

    /// <summary>
    /// Records the hang-up in the journal, now if there is one (else when it begins). Called from the signal's thread
    /// while a step may be changing the journal: a save that collides is left to the journal's next save, which
    /// carries the note too (the run's end always saves).
    /// </summary>
    public void NoteTerminalHungUp(TerminalHangUp hangUp)
    {
        TerminalHungUp ??= hangUp;
        if (Journal is { } journal)
            RecordHangUpIn(journal);
    }

    /// <summary>A journal chosen after the hang-up (by Preflight or Rollback) records it too.</summary>
    void RecordHangUpIn(UpgradeJournal journal)
    {
        if (TerminalHungUp is not { } hangUp || journal.TerminalHungUp == hangUp)
            return;
        journal.TerminalHungUp = hangUp;
        try
        {
            journal.Save();
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException)
        {
            output.Warning("The journal records the hang-up at its next save ({Reason})", exception.Message);
        }
    }
}
