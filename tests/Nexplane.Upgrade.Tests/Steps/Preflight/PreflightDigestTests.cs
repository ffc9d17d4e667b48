using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The release notes of the path as the operator reads them before anything changes.</summary>
public sealed class PreflightDigestTests
{
    [Fact]
    public void Each_release_on_the_path_is_listed_with_its_flags_and_what_it_asks_of_the_operator()
    {
        var path = new UpgradePath(V("0.2.0"), V("0.4.0"),
        [
            Release("0.3.0", migrations: ["`003_agents`: new table"], environment: ["AGENT_TOKEN"]),
            new ReleaseDigest(V("0.4.0"), ["The /v1 API is removed"], [], [], true, V("0.3.0"), "high"),
        ]);

        Assert.Equal([
            "Upgrade path 0.2.0 -> 0.4.0: 2 release(s) to read",
            "  0.3.0",
            "    migration:   `003_agents`: new table",
            "    environment: AGENT_TOKEN",
            "  0.4.0 (severity high, requires 0.3.0 or later, agent upgrade required)",
            "    breaking:    The /v1 API is removed",
        ], PreflightDigest.Lines(path));
    }
}
