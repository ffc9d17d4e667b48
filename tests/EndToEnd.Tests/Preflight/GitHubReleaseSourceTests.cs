using EndToEnd.Tests.Sandbox;
using Nexplane.Upgrade.Releases;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Preflight;

/// <summary>Release notes through Octokit against the local GitHub API stand-in, and the errors an operator gets.</summary>
public sealed class GitHubReleaseSourceTests(GitHubApiServers servers) : IClassFixture<GitHubApiServers>
{
    const string Repository = "youbetyourballs/nexplane";

    [Fact]
    public async Task Every_release_between_two_versions_is_read_and_digested_including_the_required_stop()
    {
        var source = new GitHubReleaseSource(servers.OpenServer.ToString(), Repository, null, TestAdvice.Nuke);

        var releases = await source.GetAllAsync(CancellationToken.None);
        var path = UpgradePath.Between(NexplaneVersion.Parse("0.2.0"), NexplaneVersion.Parse("0.4.0"),
            releases.Select(r => ReleaseNotesParser.Parse(r.Version, r.Notes)));

        Assert.Equal(["0.3.0", "0.3.1", "0.3.2", "0.3.3", "0.3.4", "0.4.0"], path.Releases.Select(r => r.Version.ToString()));
        Assert.Contains("WEBHOOK_SECRET", path.RequiredEnvironmentVariables);
        Assert.True(path.AgentUpgradeRequired);
        Assert.Equal(NexplaneVersion.Parse("0.3.0"), path.Releases.Single(r => r.Version.ToString() == "0.4.0").MinCompatibleVersion);
    }

    [Theory]
    [InlineData("0.3.0")]
    [InlineData("v0.3.0")]
    public async Task A_release_is_found_by_its_tag_with_or_without_the_v(string version)
    {
        var release = await new GitHubReleaseSource(servers.OpenServer.ToString(), Repository, null, TestAdvice.Nuke)
            .GetAsync(NexplaneVersion.Parse(version), CancellationToken.None);

        Assert.Equal("v0.3.0", release.Tag);
    }

    [Fact]
    public async Task An_exhausted_rate_limit_says_when_it_resets_and_how_to_go_on()
    {
        var exception = await Assert.ThrowsAsync<ReleaseSourceException>(() =>
            new GitHubReleaseSource(servers.RateLimitedServer.ToString(), Repository, null, TestAdvice.Nuke).GetAllAsync(CancellationToken.None));

        Assert.Contains("GitHub's rate limit was reached while trying to list releases; it resets at 20", exception.Message);
        Assert.Contains("Pass --github-token to raise the limit, or --release-notes-file to upgrade offline.", exception.Message);
    }

    [Fact]
    public async Task A_missing_release_names_the_tags_it_tried()
    {
        var exception = await Assert.ThrowsAsync<ReleaseSourceException>(() =>
            new GitHubReleaseSource(servers.OpenServer.ToString(), Repository, null, TestAdvice.Nuke).GetAsync(NexplaneVersion.Parse("0.9.0"), CancellationToken.None));

        Assert.Contains("has no release 0.9.0 (tried tags v0.9.0 and 0.9.0)", exception.Message);
    }

    [Fact]
    public async Task A_bad_token_is_a_clear_error_that_never_shows_the_token()
    {
        const string wrong = "ghp_wrongTokenNeverPrinted0000";

        var exception = await Assert.ThrowsAsync<ReleaseSourceException>(() =>
            new GitHubReleaseSource(servers.GuardedServer.ToString(), Repository, wrong, TestAdvice.Nuke).GetAllAsync(CancellationToken.None));

        Assert.Contains("refused the credentials", exception.Message);
        Assert.DoesNotContain(wrong, exception.Message);
    }

    [Fact]
    public async Task The_right_token_is_accepted()
    {
        var releases = await new GitHubReleaseSource(servers.GuardedServer.ToString(), Repository, GitHubApiServers.Token, TestAdvice.Nuke).GetAllAsync(CancellationToken.None);

        Assert.NotEmpty(releases);
    }

    [Fact]
    public async Task An_unreachable_api_is_a_clear_error_with_the_offline_alternative()
    {
        var exception = await Assert.ThrowsAsync<ReleaseSourceException>(() =>
            new GitHubReleaseSource($"http://127.0.0.1:{FreePort.Next()}/", Repository, null, TestAdvice.Nuke).GetAllAsync(CancellationToken.None));

        Assert.Contains("cannot be reached", exception.Message);
        Assert.Contains("--release-notes-file", exception.Message);
    }

    [Fact]
    public async Task An_api_url_ending_in_api_v3_is_accepted_as_octokit_wants_the_server_root()
    {
        var releases = await new GitHubReleaseSource(servers.OpenServer + "api/v3", Repository, null, TestAdvice.Nuke).GetAllAsync(CancellationToken.None);

        Assert.NotEmpty(releases);
    }
}
