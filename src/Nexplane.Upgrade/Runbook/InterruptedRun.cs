namespace Nexplane.Upgrade.Runbook;

/// <summary>What a run that died without a word (SIGKILL) may have begun, read from its journal alone.</summary>
public static class InterruptedRun
{
    /// <summary>
    /// The completed steps and the one after the last of them, which may have begun: undoing a step that never ran is
    /// harmless, missing one that did is not.
    /// </summary>
    public static IReadOnlyCollection<RunbookStep> StartedSteps(UpgradeJournal journal)
    {
        var order = RunbookTable.InOrder(journal.BackupAfterStop).ToList();
        var completed = RunbookTable.Named(journal.CompletedSteps.Select(s => s.Name)).ToList();
        var last = completed.Select(step => order.IndexOf(step)).DefaultIfEmpty(-1).Max();
        if (last + 1 < order.Count)
            completed.Add(order[last + 1]);
        return completed;
    }
}
