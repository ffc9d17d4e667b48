using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Releases;

/// <summary>What the operator allowed beyond the safe defaults.</summary>
public sealed record UpgradePathOverrides(bool AcceptBreakingChanges = false, bool ForceDowngrade = false);

/// <summary>One reason the upgrade must not start, worded for the operator, with the way forward.</summary>
public sealed record UpgradeGateFailure(string Gate, string Message);

/// <summary>
/// The upgrade path from the running version to the target, with the digests of every release in
/// (current, target], oldest first: an upgrade from 0.2.0 to 0.4.0 passes through 0.3.x, and their notes count.
/// </summary>
public sealed record UpgradePath(NexplaneVersion Current, NexplaneVersion Target, IReadOnlyList<ReleaseDigest> Releases)
{
    /// <summary>
    /// The versions the upgrade stops at on its way, oldest first: the backend runs each one's migrations and is
    /// verified on it before the next starts. Empty for an upgrade in one hop.
    /// </summary>
    public IReadOnlyList<NexplaneVersion> Stops { get; init; } = [];

    /// <summary>Whether <see cref="Stops"/> were named by the operator (<c>--via</c>) rather than planned from the notes.</summary>
    public bool StopsNamed { get; init; }

    /// <summary>Each hop, from the running version through every stop to the target.</summary>
    public IReadOnlyList<(NexplaneVersion From, NexplaneVersion To)> Hops =>
        [.. new[] { Current }.Concat(Stops).Zip(Stops.Append(Target))];

    /// <summary>"0.2.0 -> 0.3.0 -> 0.4.0".</summary>
    public string Route => RouteOf(Current.ToString(), Stops.Select(stop => stop.ToString()), Target.ToString());

    /// <summary>A route as every line that names one writes it (Preflight, the dry run, the rehearsal): "0.2.0 -> 0.3.0 -> 0.4.0".</summary>
    public static string RouteOf(string? from, IEnumerable<string> stops, string to) => string.Join(" -> ", [from ?? "?", .. stops, to]);

    public bool AgentUpgradeRequired => Releases.Any(r => r.AgentUpgradeRequired);

    public bool AnnouncesMigrations => Releases.Any(r => r.MigrationSteps.Count > 0);

    public IReadOnlyList<string> RequiredEnvironmentVariables =>
        Releases.SelectMany(r => r.EnvironmentVariables).Distinct().ToArray();

    /// <summary>Builds the path from all known releases, keeping the ones crossed by this upgrade.</summary>
    /// <summary>
    /// Builds the path from all known releases, keeping the ones crossed by this upgrade, and plans its stops: the
    /// versions named in <paramref name="via"/> when there are any, else every required stop the notes name (a release's
    /// <c>min_compatible_version</c> above where the path stands when it reaches that release).
    /// </summary>
    public static UpgradePath Between(NexplaneVersion current, NexplaneVersion target, IEnumerable<ReleaseDigest> knownReleases,
        IReadOnlyCollection<NexplaneVersion>? via = null)
    {
        var path = new UpgradePath(current, target, knownReleases
            .Where(r => r.Version > current && r.Version <= target)
            .OrderBy(r => r.Version)
            .ToArray());
        return via is { Count: > 0 }
            ? path with { Stops = via.Distinct().Order().ToArray(), StopsNamed = true }
            : path with { Stops = path.RequiredStops() };
    }

    /// <summary>
    /// Walks the releases oldest first: one that can only be reached from a later version than where the path stands
    /// makes that version a stop. A minimum the path cannot stop at (not between the running version and that release)
    /// is left to <see cref="Check"/>, which refuses it.
    /// </summary>
    IReadOnlyList<NexplaneVersion> RequiredStops()
    {
        var stops = new List<NexplaneVersion>();
        var position = Current;
        foreach (var release in Releases)
        {
            if (release.MinCompatibleVersion is { } minimum && position < minimum && minimum > Current && minimum < release.Version)
            {
                stops.Add(minimum);
                position = minimum;
            }
        }
        return stops;
    }

    /// <summary>
    /// The gates of Preflight that depend only on versions and notes. An empty list means the path is safe.
    /// <paramref name="knownVersions"/> are all published releases; <paramref name="deploymentVariables"/> the
    /// variables the deployment's .env and compose environment define.
    /// </summary>
    public IReadOnlyList<UpgradeGateFailure> Check(
        IReadOnlyCollection<NexplaneVersion> knownVersions,
        IReadOnlySet<string> deploymentVariables,
        UpgradePathOverrides overrides,
        OperatorAdvice advice)
    {
        var failures = new List<UpgradeGateFailure>();

        if (!knownVersions.Contains(Target))
        {
            var known = string.Join(", ", knownVersions.OrderBy(v => v).Select(v => v.ToString()));
            failures.Add(new("release", $"There is no Nexplane release {Target}. Published releases: {known}."));
            return failures;
        }

        if (Target.Equals(Current))
        {
            failures.Add(new("version", $"Nexplane is already running {Current}; there is nothing to upgrade."));
            return failures;
        }

        if (Target < Current)
        {
            if (StopsNamed)
                failures.Add(new("required-stop", $"{advice.Flag(Setting.Via)} names stops, but {Target} is older than the running {Current}: a downgrade has none."));
            if (!overrides.ForceDowngrade)
                failures.Add(new("downgrade",
                    $"{Target} is older than the running {Current}. A downgrade runs new-schema data on old code; " +
                    $"restore a backup taken on the older version instead ({advice.RestoreBackup} <file>), " +
                    $"or pass {advice.Flag(Setting.ForceDowngrade)} if you are sure."));
            return failures;
        }

        failures.AddRange(StopFailures(knownVersions, advice));

        var breaking = Releases.Where(r => r.HasBreakingChanges).ToArray();
        if (breaking.Length > 0 && !overrides.AcceptBreakingChanges)
        {
            var items = breaking.SelectMany(r => r.BreakingChanges.Select(change => $"  - {r.Version}: {change}"));
            failures.Add(new("breaking-changes",
                "The release notes announce breaking changes:" + Environment.NewLine +
                string.Join(Environment.NewLine, items) + Environment.NewLine +
                $"Read them, prepare the deployment, then pass {advice.Flag(Setting.AcceptBreakingChanges)}."));
        }

        var missing = RequiredEnvironmentVariables.Where(v => !deploymentVariables.Contains(v)).ToArray();
        if (missing.Length > 0)
            failures.Add(new("environment",
                $"The release notes require environment variables the deployment does not define: {string.Join(", ", missing)}. " +
                "Add them to the deployment's .env (or the compose environment) before upgrading."));

        return failures;
    }

    /// <summary>
    /// Every stop must be a published release between the running version and the target, and every hop must start at
    /// or after each crossed release's minimum. One that does not is refused with the path that would work.
    /// </summary>
    IEnumerable<UpgradeGateFailure> StopFailures(IReadOnlyCollection<NexplaneVersion> knownVersions, OperatorAdvice advice)
    {
        var via = advice.Flag(Setting.Via);
        foreach (var stop in Stops)
        {
            if (!knownVersions.Contains(stop))
                yield return new("required-stop", StopsNamed
                    ? $"{via} names {stop}, which is no Nexplane release; a stop must be a published release."
                    : $"The release notes require a stop at {stop}, which is no published Nexplane release.");
            else if (stop <= Current || stop >= Target)
                yield return new("required-stop", $"{via} names {stop}, which is not between the running {Current} and the target {Target}.");
        }

        foreach (var (from, to) in Hops)
        {
            foreach (var release in Releases.Where(r => r.Version > from && r.Version <= to))
            {
                if (release.MinCompatibleVersion is not { } minimum || from >= minimum)
                    continue;
                yield return StopsNamed
                    ? new("required-stop",
                        $"{release.Version} can only be reached from {minimum} or later, and the path {Route} reaches it from {from}. " +
                        $"Add {minimum} to {via}, or leave {via} out to stop where the release notes require.")
                    : new("required-stop",
                        $"{release.Version} can only be reached from {minimum} or later, and {from} is where the path stands before it; " +
                        $"{minimum} is not a release this upgrade can stop at. Upgrade to {minimum} first: {advice.Upgrade} {minimum}.");
            }
        }
    }
}
