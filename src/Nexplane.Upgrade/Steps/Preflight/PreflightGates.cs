using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>
/// Preflight's gates: pure functions over what it read (<see cref="PreflightFacts"/>), one per concern, each naming
/// what to fix. <see cref="Judge"/> runs them all, so one run tells the operator all there is to fix.
/// </summary>
public static partial class PreflightGates
{
    /// <summary>The version asked for; a malformed one stops Preflight before it reads anything.</summary>
    public static NexplaneVersion Target(string requested) =>
        NexplaneVersion.TryParse(requested, out var parsed)
            ? parsed
            : throw new PreflightException($"'{requested}' is not a Nexplane version; expected MAJOR.MINOR.PATCH such as 0.3.0.");

    /// <summary><c>--version latest</c>: the newest stable release of <paramref name="published"/>; none to choose from stops Preflight.</summary>
    public static NexplaneVersion Latest(PublishedReleases published, OperatorAdvice advice)
    {
        var flag = advice.Flag(Setting.Version);
        if (published.Problem is { } problem)
            throw new PreflightException($"{flag} {LatestRelease.Keyword} needs the list of releases, which could not be read: {problem} " +
                                         $"Pass the version to upgrade to instead, e.g. {flag} 0.3.0.");
        return LatestRelease.Newest(published.Releases)
            ?? throw new PreflightException($"There is no stable {published.Source} to take as {flag} {LatestRelease.Keyword} " +
                                            $"(drafts and prereleases do not count). Pass the version to upgrade to, e.g. {flag} 0.3.0.");
    }

    /// <summary>Every gate over <paramref name="facts"/>, in the order an operator reads them; the upgrade may start only without failures.</summary>
    public static PreflightReport Judge(PreflightFacts facts, PreflightSettings settings)
    {
        var deployment = settings.Deployment;
        var advice = settings.Advice;
        var files = facts.Files;
        var services = Services(deployment.AppServices, deployment.ProtectedServices, files.Compose, advice);
        var current = facts.Current;
        var path = Path(current, facts.Target, facts.Releases, settings.Via);
        var whyAgents = AgentUpgradeReason(path, settings.Agents, advice);
        var pinned = PinnedVersions(files, services.Selected);
        var database = facts.Database;

        var failures = new List<UpgradeGateFailure>();
        failures.AddRange(services.Failures);
        failures.AddRange(ComposeVariables(files));
        failures.AddRange(Docker(facts.Containers));
        failures.AddRange(OwnContainers(facts.Containers));
        failures.AddRange(ProtectedImages(deployment.ProtectedServices, files, facts.Containers));
        failures.AddRange(RunningVersion(facts.Running));
        failures.AddRange(Login(facts.Login, advice));
        failures.AddRange(UpgradePath(path, facts.Releases, files, services.Selected, settings.Overrides, advice));
        failures.AddRange(Agents(whyAgents, settings.Agents, facts.Agents, advice));
        failures.AddRange(Images(facts.Images, advice));
        failures.AddRange(Images(facts.StopImages.Select(s => s.Image), advice));
        if (path is { Stops.Count: > 0 } && !services.Selected.Contains(deployment.BackendService))
            failures.Add(new("required-stop", $"The path {path.Route} stops on the way, and only {deployment.BackendService} runs at a stop, " +
                                              "but it is not among the services this upgrade moves."));
        failures.AddRange(Database(database));
        if (database.Problem is null)
        {
            failures.AddRange(DiskSpace(settings.BackupDirectory, database.SizeBytes, facts.FreeBackupBytes, advice));
            failures.AddRange(DatabaseNotAhead(database.AlembicRevisions, facts.Releases, current, facts.Target));
        }

        var notices = new List<string>();
        notices.AddRange(MixedVersions(pinned, current));
        notices.AddRange(AgentsAtAStop(path));
        notices.AddRange(AgentNotices(whyAgents, settings.Agents, facts.Target, advice, settings.ForRehearsal));
        notices.AddRange(KeptDatabases(database));

        return new PreflightReport
        {
            Current = current,
            Target = facts.Target,
            Path = path,
            Services = ServiceUpgrades(facts.Images),
            Stops = Stops(facts.StopImages),
            Notices = notices,
            Failures = failures,
            DatabaseSizeBytes = database.Problem is null ? database.SizeBytes : null,
            AlembicRevisions = database.AlembicRevisions,
            KeptDatabases = database.Kept,
            AgentHosts = facts.Agents?.Hosts ?? [],
            AgentBinaries = facts.Agents?.Binaries ?? [],
        };
    }
}
