using Nexplane.Upgrade.Journal;

namespace Nexplane.Upgrade.Runs;

/// <summary>The journal an upgrade starts, or the interrupted one it resumes.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>The steps an interrupted run completed; a resumed run skips them. Empty for a fresh upgrade.</summary>
    public IReadOnlySet<string> StepsDoneBeforeResuming { get; private set; } = new HashSet<string>();

    /// <summary>
    /// Starts the journal, refusing when an earlier upgrade of this deployment never finished: its state is unknown
    /// to a fresh run, so the operator chooses between resuming it and rolling it back. Call it holding the lock.
    /// </summary>
    public void BeginJournal(JournalStore journals, string composeFile, bool resume, OperatorCommands commands)
    {
        var unfinished = journals.Unfinished(composeFile);
        if (unfinished is not null && !resume)
            throw new InvalidOperationException(
                $"An earlier upgrade {unfinished.FromVersion ?? "?"} -> {unfinished.ToVersion ?? "?"} (journal {unfinished.FilePath}) stopped " +
                $"after {unfinished.LastCompletedStep ?? "no step"} and never finished. Nothing was changed now. Either roll it back: " +
                $"{commands.Rollback}, or continue it: {commands.Upgrade} " + (unfinished.ToVersion ?? "<version>") + $" {commands.ResumeOption}.");
        if (unfinished is null && resume)
            throw new InvalidOperationException(
                $"{commands.ResumeOption}: no unfinished upgrade of {composeFile} is recorded in {journals.Directory}; nothing to resume.");
        Journal = unfinished ?? UpgradeJournal.Create(journals.Directory, Report.Id, composeFile);
        if (unfinished is not null)
        {
            StepsDoneBeforeResuming = unfinished.CompletedSteps.Select(s => s.Name).ToHashSet();
            output.Information("Resuming upgrade {Id} ({From} -> {To}); done before: {Steps}", unfinished.Id, unfinished.FromVersion ?? "?",
                unfinished.ToVersion ?? "?", StepsDoneBeforeResuming.Count == 0 ? "nothing" : string.Join(", ", unfinished.CompletedSteps.Select(s => s.Name)));
        }
    }
}
