namespace Nexplane.Upgrade.Runbook;

/// <summary>The journals of past and unfinished upgrades in one directory (.nuke/temp/upgrade).</summary>
public sealed class JournalStore(string directory)
{
    public string Directory { get; } = directory;

    public IReadOnlyList<UpgradeJournal> All()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Where(path => !System.IO.Path.GetFileName(path).StartsWith("report-", StringComparison.Ordinal))
            .Select(TryLoad)
            .OfType<UpgradeJournal>()
            .OrderByDescending(j => j.StartedAt)
            .ToArray();
    }

    /// <summary>The newest upgrade of this compose file that never reached an outcome: it was interrupted.</summary>
    public UpgradeJournal? Unfinished(string composeFile) =>
        All().FirstOrDefault(j => !j.IsFinished && j.ComposeFile == Path.GetFullPath(composeFile));

    /// <summary>The newest upgrade of this compose file that got past Preflight's checks (not a dry run that changed nothing).</summary>
    public UpgradeJournal? LatestThatChangedSomething(string composeFile) =>
        All().FirstOrDefault(j => j.ComposeFile == Path.GetFullPath(composeFile) && j.Outcome != UpgradeOutcome.NothingChanged);

    /// <summary>
    /// The newest upgrade of this compose file that got past Preflight: a run that changed nothing and stopped there
    /// (Preflight alone, a dry run, an upgrade Preflight refused) is not an upgrade to roll back, and must not hide the
    /// one before it. Any other counts whatever its outcome, so one that failed before Stop, or was already rolled
    /// back, is found (and refused) rather than an older upgrade behind it.
    /// </summary>
    public UpgradeJournal? LatestPastPreflight(string composeFile) =>
        All().FirstOrDefault(j => j.ComposeFile == Path.GetFullPath(composeFile)
                                  && (j.Outcome != UpgradeOutcome.NothingChanged
                                      || j.CompletedSteps.Any(step => step.Name is not ("Preflight" or "DescribeUpgrade"))));

    public UpgradeJournal? Find(string id) => All().FirstOrDefault(j => j.Id == id);

    static UpgradeJournal? TryLoad(string path)
    {
        try
        {
            return UpgradeJournal.Load(path);
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            return null;
        }
    }
}
