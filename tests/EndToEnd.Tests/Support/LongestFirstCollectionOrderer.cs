using EndToEnd.Tests.ComposeV1;
using EndToEnd.Tests.DryRun;
using EndToEnd.Tests.Preflight;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Upgrade;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: Xunit.TestCollectionOrderer("EndToEnd.Tests.Support.LongestFirstCollectionOrderer", "EndToEnd.Tests")]

namespace EndToEnd.Tests.Support;

/// <summary>
/// Starts the longest test collections first. xunit runs two collections at a time on CI's two cores and starts the
/// next one only when one of them ends; in its own order (by a hash of the name) the 230-second shared runbook-shape
/// collection started last, and for the suite's final 130 seconds one core had nothing to run. Longest first, the short
/// collections fill the end instead. The durations are from a clean <c>.ci/run</c> (2026-12-07); a new collection that
/// takes more than a minute belongs in this list.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    /// <summary>Collection definitions, and classes that are a collection of their own, longest first.</summary>
    static readonly Type[] LongestFirst =
    [
        typeof(RealShapeDeploymentCollection),     // 374 s, eight classes on instance 63
        typeof(SharedRunbookDeploymentCollection), // 229 s, six classes on instance 36 (+ RequiredStopsTests, about 170 s, since 2026-12-07)
        typeof(AnsibleAgentEngineTests),           // about 170 s (a fresh sandbox, two tool runs through Ansible)
        typeof(Rehearsal.RehearsalTests),          // 138 s
        typeof(ComposeV1LaneTests),                // 104 s
        typeof(HangUpDuringUpgradeTests),          // 100 s
        typeof(BrokenReleaseRollbackTests),        // 85 s
        typeof(KilledDuringTheDowntimeTests),      // 85 s
        typeof(BackendStartTests),                 // 84 s
        typeof(KilledBeforeTheDowntimeTests),      // 77 s
        typeof(RestoreSkippedRollbackTests),       // 69 s
        typeof(DryRunCollection),                  // 64 s
        typeof(PreflightSandboxCollection),        // 61 s
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(collection => collection.DisplayName, StringComparer.Ordinal);

    /// <summary>The collection's place in <see cref="LongestFirst"/>; the rest come after, by name.</summary>
    static int Rank(ITestCollection collection)
    {
        for (var index = 0; index < LongestFirst.Length; index++)
        {
            var type = LongestFirst[index];
            if (collection.CollectionDefinition?.Name == type.FullName
                || collection.DisplayName.EndsWith(type.FullName!, StringComparison.Ordinal))
                return index;
        }
        return LongestFirst.Length;
    }
}
