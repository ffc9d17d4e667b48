using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class ReleaseNotesParserTests
{
    static readonly NexplaneVersion V040 = NexplaneVersion.Parse("0.4.0");

    const string Notes = """
        # Nexplane 0.4.0

        Change windows arrive.

        ## Breaking changes
        - The `/api/v1/legacy` endpoints are removed.
        - Agents older than 0.3.0 can no longer register.

        ## Database migrations
        * `005_change_windows`: adds change windows
        * `006_drop_legacy_flags`: drops legacy flags

        ## New environment variables
        - `CHANGE_WINDOW_TZ` (optional) and `WEBHOOK_SECRET` must be set.

        ## Agents
        Agent upgrade required: replace every agent binary.

        ```yaml
        severity: recommended
        min_compatible_version: 0.3.0
        ```
        """;

    [Fact]
    public void Reads_breaking_changes_migrations_variables_agents_and_required_stop()
    {
        var digest = ReleaseNotesParser.Parse(V040, Notes);

        Assert.Equal(["The `/api/v1/legacy` endpoints are removed.", "Agents older than 0.3.0 can no longer register."], digest.BreakingChanges);
        Assert.Equal(2, digest.MigrationSteps.Count);
        Assert.Equal(["CHANGE_WINDOW_TZ", "WEBHOOK_SECRET"], digest.EnvironmentVariables);
        Assert.True(digest.AgentUpgradeRequired);
        Assert.Equal(NexplaneVersion.Parse("0.3.0"), digest.MinCompatibleVersion);
        Assert.Equal("recommended", digest.Severity);
    }

    [Fact]
    public void Migration_bullets_name_their_alembic_revisions_and_prose_bullets_name_none()
    {
        var digest = ReleaseNotesParser.Parse(V040, Notes +
            "\n## Migrations\n- Large tables are rewritten; plan for a longer upgrade.\n- Needs `004_backfill_asset_owner` to have run first.\n");

        Assert.Equal(["005_change_windows", "006_drop_legacy_flags"], digest.MigrationRevisions);
    }

    [Fact]
    public void Crlf_notes_read_the_same_as_lf_notes()
    {
        var lf = ReleaseNotesParser.Parse(V040, Notes.Replace("\r\n", "\n"));
        var crlf = ReleaseNotesParser.Parse(V040, Notes.Replace("\r\n", "\n").Replace("\n", "\r\n"));

        Assert.Equal(lf.BreakingChanges, crlf.BreakingChanges);
        Assert.Equal(lf.EnvironmentVariables, crlf.EnvironmentVariables);
        Assert.Equal(lf.MinCompatibleVersion, crlf.MinCompatibleVersion);
        Assert.True(crlf.AgentUpgradeRequired);
    }

    [Theory]
    [InlineData("## Breaking changes\n- None\n## Agents\nNo agent upgrade required.")]
    [InlineData("### Breaking Changes\n- No breaking changes.\n### Agent\n- Agents: upgrade not required")]
    public void Sections_that_say_none_yield_nothing(string notes)
    {
        var digest = ReleaseNotesParser.Parse(V040, notes);

        Assert.Empty(digest.BreakingChanges);
        Assert.False(digest.AgentUpgradeRequired);
    }

    [Fact]
    public void Notes_without_markers_yield_an_empty_digest()
    {
        var digest = ReleaseNotesParser.Parse(V040, "Bug fixes and performance improvements.\r\n");

        Assert.Empty(digest.BreakingChanges);
        Assert.Empty(digest.MigrationSteps);
        Assert.Empty(digest.EnvironmentVariables);
        Assert.False(digest.AgentUpgradeRequired);
        Assert.Null(digest.MinCompatibleVersion);
    }

    [Fact]
    public void A_separate_release_yml_provides_the_required_stop()
    {
        var digest = ReleaseNotesParser.Parse(V040, "Notes.", "severity: critical\nmin_compatible_version: \"v0.3.0\"\n");

        Assert.Equal(NexplaneVersion.Parse("0.3.0"), digest.MinCompatibleVersion);
        Assert.Equal("critical", digest.Severity);
    }
}
