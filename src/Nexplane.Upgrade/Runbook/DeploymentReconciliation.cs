using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Runbook;

/// <summary>One fact on which the deployment is not what its record says.</summary>
public sealed record DeploymentDifference(string Fact, string Recorded, string Now)
{
    public override string ToString() => $"{Fact}: recorded {Recorded}; now {Now}";
}

/// <summary>The comparison of a record with the deployment: the differences, and what could not be compared.</summary>
public sealed record ReconciliationResult(RecordedDeployment Recorded, IReadOnlyList<DeploymentDifference> Differences, IReadOnlyList<string> NotCompared)
{
    public bool Matches => Differences.Count == 0;

    public const string ClusterFact = "database cluster";
    public const string DatabaseFact = "database";
    public const string VersionFact = "running version";
    public const string ComposeFileFact = "compose file";
    public const string ProjectFact = "compose project";
    public const string DatabaseUnreadableFact = "database access";
    public const string NoAnswer = "no answer";

    /// <summary>
    /// The differences in a few words, for Status and the refusal's first line: a new database cluster or compose
    /// project means the deployment was reinstalled; another version, that it was upgraded (or downgraded) outside the tool.
    /// </summary>
    public string Summary()
    {
        if (Matches)
            return "matches the deployment";
        var facts = Differences.Select(d => d.Fact).ToHashSet();
        var parts = new List<string>();
        if (facts.Contains(ClusterFact) || facts.Contains(ProjectFact))
            parts.Add("reinstalled since");
        else if (facts.Contains(DatabaseFact))
            parts.Add("database replaced since");
        if (Differences.FirstOrDefault(d => d.Fact == VersionFact) is { } version)
            parts.Add(version.Now.StartsWith(NoAnswer, StringComparison.Ordinal)
                ? "the app does not answer, and its backend is not the version recorded"
                : $"upgraded or changed outside the tool since: now {version.Now.Split(" (")[0]}");
        if (facts.Contains(DatabaseUnreadableFact))
            parts.Add("its database cannot be read");
        if (facts.Any(f => f.StartsWith("file ", StringComparison.Ordinal)))
            parts.Add("files edited since");
        if (facts.Contains("alembic_version") && parts.Count == 0)
            parts.Add("migrated outside the tool since");
        if (facts.Contains(ComposeFileFact))
            parts.Add("another deployment's record");
        return parts.Count == 0 ? "changed since" : string.Join("; ", parts);
    }
}

/// <summary>
/// Compares what a record says the deployment should be with what it is. A pure function over the two, so every rule
/// is a unit test: records describe the past, the deployment is the truth, and any difference means the record must
/// not be acted out on it.
/// </summary>
public static class DeploymentReconciliation
{
    public static ReconciliationResult Compare(RecordedDeployment recorded, ObservedDeployment observed)
    {
        var differences = new List<DeploymentDifference>();
        var notCompared = new List<string>();

        if (!PathsEqual(recorded.ComposeFile, observed.ComposeFile))
            differences.Add(new(ReconciliationResult.ComposeFileFact, recorded.ComposeFile, observed.ComposeFile));
        if (recorded.ComposeProject is null)
            notCompared.Add("the compose project (not recorded)");
        else if (recorded.ComposeProject != observed.ComposeProject)
            differences.Add(new(ReconciliationResult.ProjectFact, recorded.ComposeProject, observed.ComposeProject));

        if (recorded.Running is null)
            notCompared.Add("the running version (the journal records none: its run ended inside Preflight)");
        else
            CompareRunning(recorded.Running, observed, differences, notCompared);
        CompareDatabase(recorded, observed, differences, notCompared);

        foreach (var (path, acceptable) in recorded.Files)
        {
            var now = observed.Files.TryGetValue(path, out var hash) ? hash : null;
            if (acceptable.Count == 0)
                notCompared.Add($"{path} (not recorded)");
            else if (now is null || !acceptable.Contains(now))
                differences.Add(new($"file {path}", $"sha256 {Short(acceptable[^1])} (as the tool left it)",
                    now is null ? "missing" : $"sha256 {Short(now)}: edited since"));
        }
        return new ReconciliationResult(recorded, differences, notCompared);
    }

    static void CompareRunning(ExpectedRunning expected, ObservedDeployment observed, List<DeploymentDifference> differences, List<string> notCompared)
    {
        if (observed.RunningVersion is { } version)
        {
            if (!expected.Versions.Any(v => SameVersion(v, version)))
                differences.Add(new(ReconciliationResult.VersionFact, expected.Describe(), $"{version} ({observed.RunningVersionSource})"));
            return;
        }
        if (expected.MayBeDown)
            return;
        // Nothing answers: a crashed backend still counts as the version its container was created from.
        var image = observed.BackendImage is null ? null : ImageReference.Parse(observed.BackendImage);
        var matching = expected.BackendImages.Where(pair => expected.Versions.Contains(pair.Key)).FirstOrDefault(pair =>
            image is not null && ImageReference.Parse(pair.Value) is var recordedImage
                                && recordedImage.Repository == image.Repository && recordedImage.Tag == image.Tag);
        if (matching.Key is not null)
            notCompared.Add($"the running version (no answer: {observed.RunningVersionSource}); the backend's container runs {observed.BackendImage}, as recorded");
        else
            differences.Add(new(ReconciliationResult.VersionFact, expected.Describe(),
                $"{ReconciliationResult.NoAnswer} ({observed.RunningVersionSource}), and the backend's container " +
                (observed.BackendImage is null ? "does not exist" : $"runs {observed.BackendImage}")));
    }

    static void CompareDatabase(RecordedDeployment recorded, ObservedDeployment observed, List<DeploymentDifference> differences, List<string> notCompared)
    {
        if (observed.Database is null)
        {
            differences.Add(new(ReconciliationResult.DatabaseUnreadableFact, recorded.Database?.ToString() ?? "the deployment's database",
                $"cannot be read ({observed.DatabaseProblem ?? "no answer"}), so nothing proves it is the same"));
            return;
        }
        if (recorded.Database is null)
            notCompared.Add("the database's identity (not recorded)");
        else if (recorded.Database.SystemIdentifier != observed.Database.SystemIdentifier)
            differences.Add(new(ReconciliationResult.ClusterFact, $"system identifier {recorded.Database.SystemIdentifier}",
                $"system identifier {observed.Database.SystemIdentifier}: a new cluster (a new volume, or a reinstall) since"));
        else if (recorded.Database.Oid != observed.Database.Oid || recorded.Database.Name != observed.Database.Name)
            differences.Add(new(ReconciliationResult.DatabaseFact, $"{recorded.Database.Name} (oid {recorded.Database.Oid})",
                $"{observed.Database.Name} (oid {observed.Database.Oid}): restored into a new database, or re-created, since"));

        var revisions = string.Join(",", observed.AlembicRevisions ?? []);
        if (recorded.AlembicRevisions is null)
            notCompared.Add("alembic_version (the interrupted run may have migrated to a head it never recorded)");
        else if (!recorded.AlembicRevisions.Contains(revisions))
            differences.Add(new("alembic_version", string.Join(" or ", recorded.AlembicRevisions.Select(Revisions)), Revisions(revisions)));
    }

    static string Revisions(string joined) => joined.Length == 0 ? "empty" : joined;

    static string Short(string sha256) => sha256.Length > 12 ? sha256[..12] + "…" : sha256;

    static bool PathsEqual(string a, string b) => Path.GetFullPath(a) == Path.GetFullPath(b);

    public static bool SameVersion(string a, string b) =>
        NexplaneVersion.TryParse(a, out var left) && NexplaneVersion.TryParse(b, out var right) ? left.Equals(right) : a == b;
}
