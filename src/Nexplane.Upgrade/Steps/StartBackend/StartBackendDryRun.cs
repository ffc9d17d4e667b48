using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.StartBackend;

/// <summary>StartBackend's line in the dry run: the lines its pin would change and the migrations the notes announce.</summary>
public static class StartBackendDryRun
{
    public static StepPlan Plan(IReadOnlyList<string> services, IReadOnlyList<PlannedFileChange> fileChanges, IReadOnlyList<ReleaseDigest> releases,
        IReadOnlyList<NexplaneVersion>? stops = null) =>
        new($"pin the new tag, start {string.Join(", ", services)} (compose up -d --no-deps) and follow the migrations to startup",
            StopLines(stops ?? []).Concat(PlannedFileChanges.Describe(fileChanges, "no file changes: the tags are pinned already"))
                .Concat(MigrationLines(releases)).ToArray());

    static IEnumerable<string> StopLines(IReadOnlyList<NexplaneVersion> stops) =>
        stops.Select(stop => $"first, at the stop {stop}: pin the backend's tag to {stop}, start it alone, follow its migrations, " +
                             "check alembic_version, its version, login and assets before the next hop");

    static IEnumerable<string> MigrationLines(IReadOnlyList<ReleaseDigest> releases)
    {
        var announced = releases.SelectMany(release => release.MigrationSteps.Select(step => $"migration announced by {release.Version}: {step}")).ToArray();
        return announced.Length > 0 ? announced : ["no migrations announced by the release notes (the backend's log is followed all the same)"];
    }
}
