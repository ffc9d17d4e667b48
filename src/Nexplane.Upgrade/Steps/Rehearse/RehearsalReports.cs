using Nexplane.Upgrade.Database;
namespace Nexplane.Upgrade.Steps.Rehearse;

/// <summary>The rehearsals' reports in one directory (<c>.nuke/temp/rehearsals</c>), one JSON file each.</summary>
public sealed class RehearsalReports(string directory)
{
    public string Directory { get; } = directory;

    public string Save(RehearsalReport report)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = System.IO.Path.Combine(Directory, $"rehearsal-{report.Id}.json");
        Compose.TextFiles.WriteAtomically(path, report.ToJson());
        return path;
    }

    /// <summary>The newest rehearsal of this deployment from <paramref name="from"/> to <paramref name="to"/>; null when there is none.</summary>
    /// <param name="database">
    /// When given, only rehearsals of that very database count: one of an earlier installation (or of a database
    /// replaced since) rehearsed other data, and says nothing about this one.
    /// </param>
    /// <param name="stops">The path's stops on the way: a rehearsal of another route (other stops) is not this path's.</param>
    public RehearsalReport? LastOf(string composeFile, string from, string to, DatabaseIdentity? database = null, IReadOnlyList<string>? stops = null) =>
        All().Where(report => report.ComposeFile == composeFile && report.FromVersion == from && report.ToVersion == to && Of(report, database)
                              && report.Stops.SequenceEqual(stops ?? []))
            .MaxBy(report => report.StartedAt);

    /// <summary>The newest passing one of that path; null when none passed.</summary>
    public RehearsalReport? LastPassingOf(string composeFile, string from, string to, DatabaseIdentity? database = null, IReadOnlyList<string>? stops = null) =>
        All().Where(report => report.Passed && report.ComposeFile == composeFile && report.FromVersion == from && report.ToVersion == to
                              && Of(report, database) && report.Stops.SequenceEqual(stops ?? []))
            .MaxBy(report => report.StartedAt);

    static bool Of(RehearsalReport report, DatabaseIdentity? database) =>
        database is null || report.Database is { } rehearsed && rehearsed.DifferenceFrom(database) is null;

    IEnumerable<RehearsalReport> All()
    {
        if (!System.IO.Directory.Exists(Directory))
            yield break;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "rehearsal-*.json"))
        {
            RehearsalReport? report;
            try
            {
                report = RehearsalReport.FromJson(File.ReadAllText(path), path);
            }
            catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                continue; // a half-written or foreign file is no rehearsal
            }
            yield return report;
        }
    }
}
