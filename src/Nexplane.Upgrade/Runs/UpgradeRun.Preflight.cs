using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.Runs;

/// <summary>Preflight's findings, which every later step reads: the versions, the images, what the release notes say.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>What Preflight found, in this run or (resumed) in the interrupted one; null before it ran.</summary>
    public PreflightReport? Preflight { get; private set; }

    /// <summary>The version asked for (--version, perhaps "latest"); Preflight's resolved target wins once it ran.</summary>
    public string? RequestedVersion { get; set; }

    /// <summary>The stops asked for with --via (empty: none named); a resumed run must name the journal's, or none.</summary>
    public IReadOnlyList<string> RequestedStops { get; set; } = [];

    /// <summary>The version this run upgrades to; "latest" only means one once Preflight (or the journal it wrote) resolved it.</summary>
    public NexplaneVersion TargetVersion => Preflight?.Target
        ?? NexplaneVersion.Parse((LatestRelease.IsRequested(RequestedVersion) ? null : RequestedVersion) ?? Journal?.ToVersion
            ?? throw new InvalidOperationException("No version to upgrade to was given."));

    /// <summary>The images Preflight resolved for the app services present in the compose file.</summary>
    public IReadOnlyList<ServiceUpgrade> ServiceUpgrades =>
        Preflight?.Services ?? throw new InvalidOperationException(
            "Preflight has not run in this build, so the images to move to are unknown. Run Upgrade, or do not skip Preflight.");

    /// <summary>The requested services that the deployment upgrades; the others are skipped with a notice.</summary>
    public IReadOnlyCollection<string> PresentServices(IEnumerable<string> requested)
    {
        var present = requested.Where(service => ServiceUpgrades.Any(u => u.Service == service)).ToArray();
        foreach (var absent in requested.Except(present))
            output.Information("{Service} is not part of this deployment's upgrade; skipped", absent);
        return present;
    }

    /// <summary>What the release notes announced, from this run's Preflight or the resumed upgrade's journal.</summary>
    public bool AnnouncesMigrations => Preflight?.Path?.AnnouncesMigrations ?? Journal?.AnnouncesMigrations ?? false;

    /// <summary>Preflight (Steps/Preflight): reads the deployment through <paramref name="deployment"/> and judges it; changes nothing.</summary>
    public Task<PreflightReport> PreflightAsync(PreflightSettings settings, IPreflightFacts deployment, CancellationToken cancellationToken) =>
        new PreflightStep(output).RunAsync(settings, deployment, cancellationToken);

    /// <summary>
    /// Keeps what Preflight found and says it: the release notes' digest, each service's move, the notices. An upgrade
    /// that may go ahead is recorded in the journal, so a resumed run moves to exactly the same images. Throws, with
    /// every problem at once, when it may not.
    /// </summary>
    public void RecordPreflight(PreflightReport report, bool backupAfterStop)
    {
        Preflight = report;
        Record.Append(new VersionsChosen(report.Current?.ToString(), report.Target.ToString()));

        if (report.Path is { } path)
            foreach (var line in PreflightDigest.Lines(path))
                output.Line(line);
        foreach (var upgrade in report.Services)
            output.Information("{Service}: {From} -> {To}", upgrade.Service, upgrade.From.ToString(), upgrade.To.ToString());
        foreach (var notice in report.Notices)
            output.Warning("{Notice}", notice);
        foreach (var line in Database.KeptDatabase.Lines(report.KeptDatabases))
            output.Information("{Line}", line);

        output.Summary("Path", report.Path?.Route ?? $"{report.Current?.ToString() ?? "?"} -> {report.Target}");
        if (report.CanUpgrade)
        {
            Journal!.BackupAfterStop = backupAfterStop;
            ResumedPreflight.Record(Journal, report);
        }
        if (!report.CanUpgrade)
            throw new InvalidOperationException(
                $"Preflight found {report.Failures.Count} problem(s); nothing was changed:" + Environment.NewLine +
                string.Join(Environment.NewLine, report.Failures.Select(f => $"  [{f.Gate}] {f.Message}")));
    }

    /// <summary>
    /// A resumed upgrade continues with the versions and images the interrupted run's Preflight chose; a different
    /// version asked for (<see cref="RequestedVersion"/>) is refused.
    /// </summary>
    public void ContinueFromJournal()
    {
        var journal = Journal ?? throw new InvalidOperationException("Begin the journal of the upgrade to resume first.");
        if (RequestedVersion is not null && NexplaneVersion.TryParse(RequestedVersion, out var requested) && journal.ToVersion is not null
            && !requested.Equals(NexplaneVersion.Parse(journal.ToVersion)))
            throw new InvalidOperationException(
                $"{advice.ResumeOption} continues the upgrade to {journal.ToVersion}, not {RequestedVersion}. Resume it with " +
                $"{advice.Upgrade} {journal.ToVersion} {advice.ResumeOption}, or roll it back: {advice.Rollback}.");
        var recordedStops = journal.Stops.Select(stop => stop.Version).ToArray();
        var requestedStops = RequestedStops.Select(stop => NexplaneVersion.TryParse(stop, out var version) ? version.ToString() : stop).ToHashSet();
        if (requestedStops.Count > 0 && !requestedStops.SetEquals(recordedStops))
            throw new InvalidOperationException(
                $"{advice.ResumeOption} continues the upgrade through {(recordedStops.Length == 0 ? "no stop" : string.Join(", ", recordedStops))}, " +
                $"as it began, not through {string.Join(", ", RequestedStops)}. Resume it without {advice.Flag(Setting.Via)}, or roll it back: {advice.Rollback}.");
        // The version latest meant when the upgrade began: asking again could name a release published since.
        if (LatestRelease.IsRequested(RequestedVersion) && journal.ToVersion is not null)
            output.Information("{Flag} {Latest} continues the interrupted upgrade to {To}, the version it resolved to then", advice.Flag(Setting.Version),
                LatestRelease.Keyword, journal.ToVersion);
        Preflight = ResumedPreflight.FromJournal(journal);
        output.Information("Preflight passed in the interrupted run; continuing {From} -> {To} with the images it chose", journal.FromVersion, journal.ToVersion);
        if (recordedStops.Length > 0)
            output.Information("The path goes through {Stops}; passed already: {Passed}", string.Join(", ", recordedStops),
                Record.PassedStops.Count == 0 ? "none" : string.Join(", ", Record.PassedStops.Select(stop => stop.Version)));
        output.Summary("Resumed", $"{journal.FromVersion} -> {journal.ToVersion}");
    }

}
