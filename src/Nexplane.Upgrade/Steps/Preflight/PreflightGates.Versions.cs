using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The versions' gates: the running version, the login on it, and the path of releases to the target.</summary>
public static partial class PreflightGates
{
    /// <summary>Every later gate measures from the running version, read from the backend.</summary>
    public static IEnumerable<UpgradeGateFailure> RunningVersion(RunningVersion running) =>
        running.Problem is { } problem ? [new("current-version", problem)] : [];

    /// <summary>
    /// Verify logs in after the upgrade; a login that fails now would fail then, after the downtime, and the
    /// rollback's own verification with it. It is tried while the running version still serves.
    /// </summary>
    public static IEnumerable<UpgradeGateFailure> Login(VerificationGate? login, OperatorAdvice advice) =>
        login is { Passed: false }
            ? [new("login", $"The login Verify will use fails on the running version: {login.Detail}. " +
                            $"Fix {advice.Flag(Setting.LoginEmail)}/{advice.Flag(Setting.LoginPassword)} (or the deployment's .env) before upgrading.")]
            : [];

    /// <summary>The version each selected service's image tag names, where it names one; in the services' order.</summary>
    public static IReadOnlyList<KeyValuePair<string, NexplaneVersion>> PinnedVersions(DeploymentFiles files, IEnumerable<string> services)
    {
        var pinned = new List<KeyValuePair<string, NexplaneVersion>>();
        foreach (var service in services)
            if (NexplaneVersion.TryParse(files.Compose.ResolveImage(service, files.EnvFile.Variables).Tag, out var version))
                pinned.Add(new(service, version));
        return pinned;
    }

    /// <summary>A service pinned to another version than the backend reports: said, not refused.</summary>
    public static IEnumerable<string> MixedVersions(IEnumerable<KeyValuePair<string, NexplaneVersion>> pinned, NexplaneVersion? current) =>
        pinned.Where(p => current is not null && !p.Value.Equals(current))
            .Select(p => $"The compose file pins {p.Key} to {p.Value}, but the backend reports {current}: the deployment is not on one version.");

    /// <summary>
    /// The releases crossed from the running version to the target, and the stops on the way (<paramref name="via"/>,
    /// else the required ones); null without a running version or release notes.
    /// </summary>
    public static UpgradePath? Path(NexplaneVersion? current, NexplaneVersion target, ReleaseFacts? releases, IReadOnlyCollection<NexplaneVersion>? via = null) =>
        current is not null && releases is { Problem: null } ? Releases.UpgradePath.Between(current, target, releases.OnPath, via) : null;

    /// <summary>A stop whose own release notes demand an agent upgrade: the agents still move once, to the target; said, not refused.</summary>
    public static IEnumerable<string> AgentsAtAStop(UpgradePath? path) =>
        path is null
            ? []
            : path.Releases.Where(release => release.AgentUpgradeRequired && path.Stops.Contains(release.Version))
                .Select(release => $"{release.Version}'s release notes require an agent upgrade, and {release.Version} is a stop on this path: " +
                                   $"the agents move once, to {path.Target}, when the whole path is done, not at {release.Version}.");

    /// <summary>
    /// The path's own gates (<see cref="Releases.UpgradePath.Check"/>) against the variables the deployment defines: its
    /// .env and the selected services' compose environment.
    /// </summary>
    public static IEnumerable<UpgradeGateFailure> UpgradePath(UpgradePath? path, ReleaseFacts? releases, DeploymentFiles files,
        IEnumerable<string> services, UpgradePathOverrides overrides, OperatorAdvice advice)
    {
        if (releases?.Problem is { } problem)
            return [new("release-notes", problem)];
        if (path is null || releases is null)
            return [];
        var variables = files.EnvFile.Variables.Keys
            .Concat(services.SelectMany(s => files.Compose.Find(s)!.Environment.Keys))
            .ToHashSet(StringComparer.Ordinal);
        return path.Check(releases.Known, variables, overrides, advice);
    }
}
