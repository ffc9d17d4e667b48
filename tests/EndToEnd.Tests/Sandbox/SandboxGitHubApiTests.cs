using System.Security.Cryptography;
using Octokit;

namespace EndToEnd.Tests.Sandbox;

/// <summary>The github-api role answers Octokit 14 the way github.com answers it for youbetyourballs/nexplane.</summary>
public sealed class SandboxGitHubApiTests(GitHubApiServers servers) : IClassFixture<GitHubApiServers>
{
    const string Owner = "youbetyourballs";
    const string Repository = "nexplane";

    static readonly string[] AllTagsNewestFirst = ["v0.4.0", "v0.3.4", "v0.3.3", "v0.3.2", "v0.3.1", "v0.3.0", "v0.2.0"];

    GitHubClient OpenClient() => new(new ProductHeaderValue("nexplane-upgrade-tests"), servers.OpenServer);

    GitHubClient GuardedClient(string? token) =>
        new(new ProductHeaderValue("nexplane-upgrade-tests"), servers.GuardedServer)
        {
            Credentials = token is null ? Credentials.Anonymous : new Credentials(token),
        };

    [Fact]
    public async Task GetAll_lists_every_release_newest_first()
    {
        var releases = await OpenClient().Repository.Release.GetAll(Owner, Repository);

        Assert.Equal(AllTagsNewestFirst, releases.Select(release => release.TagName));
        Assert.All(releases, release =>
        {
            Assert.False(release.Draft);
            Assert.False(release.Prerelease);
            Assert.NotNull(release.PublishedAt);
            Assert.Equal(9, release.Assets.Count);
        });
    }

    [Fact]
    public async Task GetAll_follows_the_Link_header_across_small_pages()
    {
        var releases = await OpenClient().Repository.Release.GetAll(Owner, Repository, new ApiOptions { PageSize = 2 });

        Assert.Equal(AllTagsNewestFirst, releases.Select(release => release.TagName));
    }

    [Fact]
    public async Task A_release_by_tag_carries_Markdown_notes_with_CRLF_and_a_release_yml_block()
    {
        var release = await OpenClient().Repository.Release.Get(Owner, Repository, "v0.3.0");

        Assert.Equal("v0.3.0", release.TagName);
        Assert.Contains("\r\n", release.Body);
        Assert.Contains("## Breaking changes", release.Body);
        Assert.Contains("## New environment variables", release.Body);
        Assert.Contains("WEBHOOK_SECRET", release.Body);
        Assert.Contains("No agent upgrade required", release.Body);
        Assert.Contains("min_compatible_version: 0.2.0", release.Body);
        Assert.Contains("severity: recommended", release.Body);
        Assert.Equal(
        [
            "nexplane-agent-linux-amd64-0.3.0", "nexplane-agent-linux-amd64-0.3.0.sha256",
            "nexplane-agent-linux-arm64-0.3.0", "nexplane-agent-linux-arm64-0.3.0.sha256",
            "nexplane-agent-darwin-arm64-0.3.0", "nexplane-agent-darwin-arm64-0.3.0.sha256",
            "nexplane-agent-windows-amd64-0.3.0.exe", "nexplane-agent-windows-amd64-0.3.0.exe.sha256",
            "release.yml",
        ], release.Assets.Select(asset => asset.Name));
    }

    [Fact]
    public async Task Latest_is_0_4_0_which_requires_an_agent_upgrade_and_a_stop_at_0_3_0()
    {
        var latest = await OpenClient().Repository.Release.GetLatest(Owner, Repository);

        Assert.Equal("v0.4.0", latest.TagName);
        Assert.Contains("Agent upgrade required", latest.Body);
        Assert.Contains("min_compatible_version: 0.3.0", latest.Body);
        Assert.Contains("## Database migrations", latest.Body);
    }

    [Fact]
    public async Task An_unknown_tag_is_a_NotFoundException()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => OpenClient().Repository.Release.Get(Owner, Repository, "v9.9.9"));
        await Assert.ThrowsAsync<NotFoundException>(() => OpenClient().Repository.Release.GetAll(Owner, "someone-elses-repo"));
    }

    [Fact]
    public async Task A_required_token_is_enforced()
    {
        await Assert.ThrowsAsync<AuthorizationException>(() => GuardedClient("ghp_wrong").Repository.Release.GetAll(Owner, Repository));
        await Assert.ThrowsAsync<AuthorizationException>(() => GuardedClient(null).Repository.Release.GetAll(Owner, Repository));

        var releases = await GuardedClient(GitHubApiServers.Token).Repository.Release.GetAll(Owner, Repository);

        Assert.Equal(AllTagsNewestFirst.Length, releases.Count);
    }

    [Fact]
    public async Task Assets_download_as_bytes_that_match_their_sha256_files()
    {
        var client = OpenClient();
        var release = await client.Repository.Release.Get(Owner, Repository, "v0.4.0");

        foreach (var binary in release.Assets.Where(asset => asset.Name.StartsWith("nexplane-agent-", StringComparison.Ordinal) && !asset.Name.EndsWith(".sha256", StringComparison.Ordinal)))
        {
            var checksumAsset = release.Assets.Single(asset => asset.Name == binary.Name + ".sha256");
            var bytes = await DownloadAsync(client, binary);
            var checksumFile = System.Text.Encoding.ASCII.GetString(await DownloadAsync(client, checksumAsset));

            Assert.Equal(binary.Size, bytes.Length);
            Assert.Equal($"dist/{binary.Name}", checksumFile.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
            Assert.Equal(checksumFile.Split(' ')[0], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        var linuxAgent = release.Assets.Single(asset => asset.Name == "nexplane-agent-linux-amd64-0.4.0");
        // The sandbox binary itself plus the release trailer it reads back to know its release.
        byte[] expected = [.. await File.ReadAllBytesAsync(await SandboxBinary.PathAsync()), .. "\n#nexplane-agent-release=0.4.0\n"u8];
        Assert.Equal(expected, await DownloadAsync(client, linuxAgent));
    }

    [Fact]
    public async Task Release_yml_and_browser_download_urls_serve_the_same_content()
    {
        var client = OpenClient();
        var release = await client.Repository.Release.Get(Owner, Repository, "v0.4.0");
        var releaseYml = release.Assets.Single(asset => asset.Name == "release.yml");
        using var http = new HttpClient();

        var viaApi = System.Text.Encoding.UTF8.GetString(await DownloadAsync(client, releaseYml));
        var viaBrowserUrl = await http.GetStringAsync(releaseYml.BrowserDownloadUrl);

        Assert.Contains("min_compatible_version: 0.3.0", viaApi);
        Assert.Contains("severity:", viaApi);
        Assert.Contains("changelog_url:", viaApi);
        Assert.Contains("notes:", viaApi);
        Assert.Equal(viaApi, viaBrowserUrl);
        Assert.Equal(releaseYml.Id, (await client.Repository.Release.GetAsset(Owner, Repository, releaseYml.Id)).Id);
    }

    [Fact]
    public async Task Rate_limit_and_api_root_answer()
    {
        var limits = await OpenClient().RateLimit.GetRateLimits();

        Assert.True(limits.Resources.Core.Remaining > 0);
        using var http = new HttpClient();
        Assert.Contains("rate_limit_url", await http.GetStringAsync(new Uri(servers.OpenServer, "api/v3/")));
    }

    /// <summary>
    /// How Octokit users download an asset: GET its API url with Accept: application/octet-stream. Octokit 14 hands
    /// an octet-stream body back as a <see cref="Stream"/>, not a byte array.
    /// </summary>
    static async Task<byte[]> DownloadAsync(GitHubClient client, ReleaseAsset asset)
    {
        var response = await client.Connection.Get<Stream>(new Uri(asset.Url), new Dictionary<string, string>(), "application/octet-stream");
        Assert.True(response.Body is not null, $"{asset.Name}: HTTP {response.HttpResponse.StatusCode}, {response.HttpResponse.ContentType}");
        await using var body = response.Body;
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
