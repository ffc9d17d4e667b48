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
    public bool AgentUpgradeRequired => Releases.Any(r => r.AgentUpgradeRequired);

    public bool AnnouncesMigrations => Releases.Any(r => r.MigrationSteps.Count > 0);

    public IReadOnlyList<string> RequiredEnvironmentVariables =>
        Releases.SelectMany(r => r.EnvironmentVariables).Distinct().ToArray();

    /// <summary>Builds the path from all known releases, keeping the ones crossed by this upgrade.</summary>
    public static UpgradePath Between(NexplaneVersion current, NexplaneVersion target, IEnumerable<ReleaseDigest> knownReleases) =>
        new(current, target, knownReleases
            .Where(r => r.Version > current && r.Version <= target)
            .OrderBy(r => r.Version)
            .ToArray());

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
            if (!overrides.ForceDowngrade)
                failures.Add(new("downgrade",
                    $"{Target} is older than the running {Current}. A downgrade runs new-schema data on old code; " +
                    $"restore a backup taken on the older version instead ({advice.RestoreBackup} <file>), " +
                    $"or pass {advice.Flag(Setting.ForceDowngrade)} if you are sure."));
            return failures;
        }

        foreach (var release in Releases)
        {
            if (release.MinCompatibleVersion is { } minimum && Current < minimum)
                failures.Add(new("required-stop",
                    $"{release.Version} can only be reached from {minimum} or later, and {Current} is running. " +
                    $"Upgrade in steps: {advice.Upgrade} {minimum}, then {advice.Upgrade} {Target}."));
        }

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
}
