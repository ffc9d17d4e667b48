using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

/// <summary>--version latest: the newest stable release, as an operator means it.</summary>
public sealed class LatestReleaseTests
{
    static PublishedRelease Release(string version, bool prerelease = false) =>
        new(NexplaneVersion.Parse(version), "v" + version, "", []) { Prerelease = prerelease };

    [Fact]
    public void The_highest_stable_version_wins_not_the_one_listed_or_published_last()
    {
        // A patch to the older line published after 0.4.0 is listed first by date; the operator means 0.4.0.
        Assert.Equal(NexplaneVersion.Parse("0.4.0"), LatestRelease.Newest([Release("0.3.5"), Release("0.4.0"), Release("0.2.0")]));
    }

    [Fact]
    public void Prereleases_never_count_whether_marked_on_GitHub_or_in_their_version()
    {
        Assert.Equal(NexplaneVersion.Parse("0.3.0"),
            LatestRelease.Newest([Release("0.5.0", prerelease: true), Release("0.4.0-rc.1"), Release("0.3.0")]));
        Assert.Null(LatestRelease.Newest([Release("0.4.0-rc.1")]));
        Assert.Null(LatestRelease.Newest([]));
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData(" Latest ", true)]
    [InlineData("0.3.0", false)]
    [InlineData("latest-1", false)]
    [InlineData(null, false)]
    public void Latest_is_asked_for_by_its_name_in_any_case(string? requested, bool asked)
    {
        Assert.Equal(asked, LatestRelease.IsRequested(requested));
    }
}
