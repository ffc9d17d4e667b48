using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>
/// Preflight's findings as the interrupted run recorded them in its journal. A resumed upgrade continues with
/// exactly these versions and images: the running deployment is half-way, so asking it again would mislead.
/// </summary>
public static class ResumedPreflight
{
    public static PreflightReport FromJournal(UpgradeJournal journal)
    {
        if (journal.FromVersion is null || journal.ToVersion is null || journal.TargetImages.Count == 0)
            throw new InvalidOperationException($"The journal {journal.FilePath} lacks Preflight's findings; run Preflight again.");
        return new PreflightReport
        {
            Current = NexplaneVersion.Parse(journal.FromVersion),
            Target = NexplaneVersion.Parse(journal.ToVersion),
            Services = journal.TargetImages
                .Select(pair => new ServiceUpgrade(pair.Key,
                    ImageReference.Parse(journal.PreviousImages.GetValueOrDefault(pair.Key, pair.Value)),
                    ImageReference.Parse(pair.Value), null))
                .ToArray(),
            Stops = journal.Stops
                .Select(stop => new UpgradeStop(NexplaneVersion.Parse(stop.Version), new ServiceUpgrade(stop.Service,
                    ImageReference.Parse(journal.PreviousImages.GetValueOrDefault(stop.Service, stop.Image)), ImageReference.Parse(stop.Image), null)))
                .ToArray(),
            AlembicRevisions = journal.RevisionBefore is { } revision ? revision.Split(',') : [],
        };
    }

    /// <summary>Records what a later resumed run needs from Preflight, besides the versions (the run's record has them).</summary>
    public static void Record(UpgradeJournal journal, PreflightReport report)
    {
        journal.RevisionBefore = report.AlembicRevisions.Count > 0 ? string.Join(",", report.AlembicRevisions) : null;
        foreach (var upgrade in report.Services)
        {
            journal.PreviousImages[upgrade.Service] = upgrade.From.ToString();
            journal.TargetImages[upgrade.Service] = upgrade.To.ToString();
        }
        journal.Stops.Clear();
        journal.Stops.AddRange(report.Stops.Select(stop => new JournalStop(stop.Version.ToString(), stop.Backend.Service, stop.Backend.To.ToString())));
        journal.AnnouncesMigrations = report.Path?.AnnouncesMigrations ?? false;
        journal.AgentUpgradeRequired = report.Path?.AgentUpgradeRequired ?? false;
        journal.Save();
    }
}
