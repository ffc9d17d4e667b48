using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("EndToEnd.Tests.Support.LongestFirstOrder", "EndToEnd.Tests")]

namespace EndToEnd.Tests.Support;

/// <summary>
/// Starts the longest test collections first. The suite is CPU-bound on CI's 2 cores and runs two collections at a
/// time, so a long collection that starts last runs alone at the end while a core idles: the two shared-deployment
/// collections are serial chains of 5-6 minutes. Order only: every collection still runs, and each is isolated (its
/// own sandbox instance), so the order changes no outcome. The seconds are test time per collection from a CI-shaped
/// run (trx, 2026-12-07); a collection not listed counts as short and runs after the listed ones, in xunit's order.
/// </summary>
public sealed class LongestFirstOrder : ITestCollectionOrderer
{
    static readonly Dictionary<string, int> MeasuredSeconds = new(StringComparer.Ordinal)
    {
        ["Real-shape deployment (instance 63)"] = 370,
        ["Runbook-shape deployment (instance 36)"] = 316,
        ["Test collection for EndToEnd.Tests.Rehearsal.RehearsalTests"] = 141,
        ["Test collection for EndToEnd.Tests.Rollback.HangUpDuringUpgradeTests"] = 109,
        ["Test collection for EndToEnd.Tests.ComposeV1.ComposeV1LaneTests"] = 98,
        ["Test collection for EndToEnd.Tests.Rollback.KilledDuringTheDowntimeTests"] = 85,
        ["Test collection for EndToEnd.Tests.Rollback.BrokenReleaseRollbackTests"] = 84,
        ["Test collection for EndToEnd.Tests.Rollback.RestoreSkippedRollbackTests"] = 66,
        ["Test collection for EndToEnd.Tests.Rollback.KilledBeforeTheDowntimeTests"] = 62,
        ["Test collection for EndToEnd.Tests.Rollback.ResumedDuringTheDowntimeTests"] = 50,
        ["Test collection for EndToEnd.Tests.Rollback.ResumedBeforeTheDowntimeTests"] = 43,
    };

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(collection => MeasuredSeconds.GetValueOrDefault(collection.DisplayName));
}
