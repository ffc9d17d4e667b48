using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class ReleaseNotesFileTests : IDisposable
{
    readonly string _path = Path.Combine(Path.GetTempPath(), $"release-notes-{Guid.NewGuid():N}.md");

    public void Dispose() => File.Delete(_path);

    IReadOnlyList<PublishedRelease> Read(string text, string target = "0.4.0")
    {
        File.WriteAllText(_path, text);
        return ReleaseNotesFile.Read(_path, NexplaneVersion.Parse(target));
    }

    [Fact]
    public void A_changelog_file_splits_into_its_releases_at_the_workflows_version_headings()
    {
        var releases = Read(ChangelogStyleNotes.WithReleaseYaml + "\n" + ChangelogStyleNotes.Crlf);

        Assert.Equal(["0.4.0", "0.3.0"], releases.Select(r => r.Version.ToString()));
        Assert.Equal(NexplaneVersion.Parse("0.3.0"),
            ReleaseNotesParser.Parse(releases[0].Version, releases[0].Notes).MinCompatibleVersion);
        Assert.Equal(["WEBHOOK_SECRET"], ReleaseNotesParser.Parse(releases[1].Version, releases[1].Notes).EnvironmentVariables);
    }

    [Fact]
    public void Only_the_releases_a_files_headings_name_are_there_to_choose_from()
    {
        File.WriteAllText(_path, "# v0.3.0\nFirst.\n## v0.4.0 (2026-02-01)\nSecond.\n");
        Assert.Equal(["0.3.0", "0.4.0"], ReleaseNotesFile.ReadNamedReleases(_path).Select(r => r.Version.ToString()));

        // Without headings the notes are the target's, whichever that is: they name no version of their own.
        File.WriteAllText(_path, "Fixes a crash.\n");
        Assert.Empty(ReleaseNotesFile.ReadNamedReleases(_path));
    }

    [Fact]
    public void A_pasted_github_body_under_its_own_title_is_one_release()
    {
        var release = Assert.Single(Read("# v0.3.0\n" + ChangelogStyleNotes.WithOperatorProse, "0.3.0"));

        Assert.Contains("51e7f3d fix(webhooks)!", release.Notes);
    }

    [Fact]
    public void Heading_style_section_headings_do_not_split_a_release()
    {
        var release = Assert.Single(Read("# v0.4.0\n## Breaking changes\n- The API is removed.\n## Agents\nAgent upgrade required.\n"));

        Assert.Equal("0.4.0", release.Version.ToString());
        Assert.Contains("## Agents", release.Notes);
    }
}
