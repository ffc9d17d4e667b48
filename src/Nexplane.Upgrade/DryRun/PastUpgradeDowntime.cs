using System.Text.Json;
using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.DryRun;

/// <summary>
/// The downtime the newest successful upgrade of the same path measured: its journal says it succeeded and which
/// deployment it upgraded, its report (<c>report-&lt;id&gt;.json</c> beside it) holds the downtime. This deployment's
/// own upgrades are preferred; another deployment's (a staging copy) is named as such.
/// </summary>
public sealed class PastUpgradeDowntime(JournalStore journals, string composeFile) : IDowntimePrediction
{
    public PredictedDowntime? Predict(NexplaneVersion from, NexplaneVersion to, IReadOnlyList<string>? stops = null)
    {
        var thisDeployment = Path.GetFullPath(composeFile);
        var measured = journals.All()
            .Where(journal => journal.Outcome == UpgradeOutcome.Succeeded && IsVersion(journal.FromVersion, from) && IsVersion(journal.ToVersion, to)
                              && journal.Stops.Select(stop => stop.Version).SequenceEqual(stops ?? []))
            .Select(journal => (Journal: journal, Seconds: DowntimeInReport(journal.Id)))
            .Where(found => found.Seconds is not null)
            .OrderByDescending(found => found.Journal.ComposeFile == thisDeployment)
            .ThenByDescending(found => found.Journal.StartedAt)
            .FirstOrDefault();
        if (measured.Journal is not { } journal)
            return null;
        var where = journal.ComposeFile == thisDeployment ? "this deployment" : journal.ComposeFile;
        return new PredictedDowntime(measured.Seconds!.Value,
            $"measured upgrading {where} from {from} to {to} on {journal.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, upgrade {journal.Id}");
    }

    static bool IsVersion(string? recorded, NexplaneVersion expected) =>
        recorded is not null && NexplaneVersion.TryParse(recorded, out var version) && version.Equals(expected);

    double? DowntimeInReport(string id)
    {
        var report = Path.Combine(journals.Directory, $"report-{id}.json");
        if (!File.Exists(report))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(report));
            return document.RootElement.TryGetProperty("downtime_seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number
                ? seconds.GetDouble()
                : null;
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return null;
        }
    }
}
