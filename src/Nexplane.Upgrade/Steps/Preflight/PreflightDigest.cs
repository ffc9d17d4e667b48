using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The release notes of an upgrade path as lines an operator reads before anything changes.</summary>
public static class PreflightDigest
{
    public static IEnumerable<string> Lines(UpgradePath path)
    {
        yield return $"Upgrade path {path.Route}: {path.Releases.Count} release(s) to read";
        if (path.Stops.Count > 0)
            yield return $"  {(path.StopsNamed ? "Stops named" : "Required stops")}: {string.Join(", ", path.Stops)}. The backend migrates and is checked " +
                         $"at each before the next hop; one backup before, one downtime window, and a failure anywhere rolls back to {path.Current}.";
        foreach (var release in path.Releases)
        {
            var flags = new List<string>();
            if (release.Severity is not null) flags.Add($"severity {release.Severity}");
            if (release.MinCompatibleVersion is not null) flags.Add($"requires {release.MinCompatibleVersion} or later");
            if (release.AgentUpgradeRequired) flags.Add("agent upgrade required");
            yield return $"  {release.Version}" + (flags.Count > 0 ? $" ({string.Join(", ", flags)})" : "");
            foreach (var change in release.BreakingChanges) yield return $"    breaking:    {change}";
            foreach (var step in release.MigrationSteps) yield return $"    migration:   {step}";
            foreach (var variable in release.EnvironmentVariables) yield return $"    environment: {variable}";
        }
    }
}
