using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// What an upgrade's journal implies about the deployment now: a finished upgrade, what it installed; an interrupted
/// one, what its last recorded step (and the step that may have begun after it) can have left; a rollback that began,
/// anything between the two versions.
/// </summary>
public static class JournalExpectation
{
    public static RecordedDeployment RecordedState(this UpgradeJournal journal, string backendService)
    {
        var from = journal.FromVersion;
        var to = journal.ToVersion;
        var before = journal.RevisionBefore ?? "";
        var head = journal.MigrationHead;
        var started = journal.IsFinished ? [] : InterruptedRun.StartedSteps(journal);
        bool Started(RunbookStep step) => journal.HasCompleted(step) || started.Contains(step);
        bool Completed(RunbookStep step) => journal.HasCompleted(step);

        var images = new Dictionary<string, string>();
        if (from is not null && journal.PreviousImages.GetValueOrDefault(backendService) is { } previousImage)
            images[from] = previousImage;
        if (to is not null && journal.TargetImages.GetValueOrDefault(backendService) is { } targetImage)
            images[to] = targetImage;
        // A path through stops: while StartBackend runs (or a rollback of it), the backend may be on a stop's version,
        // and the database at a stop's head or past it before the journal names it: the heads are not compared then.
        var stops = journal.Stops.Select(stop => stop.Version).ToArray();
        foreach (var stop in journal.Stops.Where(stop => stop.Service == backendService))
            images[stop.Version] = stop.Image;
        var headsKnown = stops.Length == 0;
        ExpectedRunning Running(bool mayBeDown, params string?[] versions) => new(versions.OfType<string>().Distinct().ToArray(), mayBeDown, images);
        IReadOnlyList<string> Heads(params string?[] heads) => heads.OfType<string>().Distinct().ToArray();

        (string State, ExpectedRunning Running, IReadOnlyList<string>? Alembic) expectation = journal.Outcome switch
        {
            UpgradeOutcome.Succeeded => ($"{to} installed by it", Running(false, to), [head ?? before]),
            UpgradeOutcome.RolledBack or UpgradeOutcome.NothingChanged or UpgradeOutcome.Superseded => ($"{from} running", Running(false, from), [before]),
            _ when journal.RollbackBegan =>
                ("rolled back part of the way", Running(true, [from, .. stops, to]),
                    Started(RunbookStep.StartBackend) && (head is null || !headsKnown) ? null : Heads(before, head)),
            _ when Completed(RunbookStep.StartBackend) => ($"{to} started, interrupted after {journal.LastCompletedStep}", Running(false, to), [head ?? before]),
            _ when Started(RunbookStep.StartBackend) =>
                ($"interrupted after {journal.LastCompletedStep}: the app stopped, or {string.Join(" or ", [.. stops, to])} starting", Running(true, [.. stops, to]),
                    head is null || !headsKnown ? null : Heads(before, head)),
            _ when Completed(RunbookStep.Stop) => ($"interrupted after {journal.LastCompletedStep}: the app stopped", Running(true), [before]),
            _ when Started(RunbookStep.Stop) => ($"interrupted after {journal.LastCompletedStep}: {from} running or stopping", Running(true, from), [before]),
            _ => ($"interrupted after {journal.LastCompletedStep ?? "no step"}: {from} running", Running(false, from), [before]),
        };

        return new RecordedDeployment(
            $"upgrade {journal.Id} ({from ?? "?"} -> {to ?? "?"}, {(journal.Outcome is { } outcome ? outcome.ToText() : "unfinished")})",
            expectation.State,
            journal.ComposeFile,
            journal.ComposeProject,
            // Without Preflight's findings (killed inside it) the journal knows no version: nothing changed yet.
            from is null ? null : expectation.Running,
            journal.DatabaseIdentity,
            from is null ? null : expectation.Alembic,
            Files(journal));
    }

    /// <summary>
    /// Each file's acceptable contents. Finished: exactly as the upgrade left it (or put it back). Unfinished: any
    /// content the tool itself gave it, since a run killed around a write leaves either side of it.
    /// </summary>
    static IReadOnlyDictionary<string, IReadOnlyList<string>> Files(UpgradeJournal journal)
    {
        var files = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var path in journal.FilesAtPreflight.Keys.Union(journal.WrittenFiles.Keys))
        {
            var atPreflight = journal.FilesAtPreflight.GetValueOrDefault(path);
            var written = journal.WrittenFiles.GetValueOrDefault(path) ?? [];
            files[path] = journal.Outcome switch
            {
                UpgradeOutcome.Succeeded => new[] { written.LastOrDefault() ?? atPreflight }.OfType<string>().ToArray(),
                UpgradeOutcome.RolledBack or UpgradeOutcome.NothingChanged or UpgradeOutcome.Superseded => new[] { atPreflight }.OfType<string>().ToArray(),
                _ => new[] { atPreflight }.Concat(written).OfType<string>().Distinct().ToArray(),
            };
        }
        return files;
    }
}
