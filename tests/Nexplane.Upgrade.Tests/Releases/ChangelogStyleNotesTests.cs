using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

/// <summary>Digests of whole changelog-style bodies (see <see cref="ChangelogStyleNotes"/>).</summary>
public sealed class ChangelogStyleNotesTests
{
    static ReleaseDigest Parse(string version, string notes, string? releaseYaml = null) =>
        ReleaseNotesParser.Parse(NexplaneVersion.Parse(version), notes, releaseYaml);

    [Fact]
    public void Notes_of_only_routine_commits_announce_nothing()
    {
        var digest = Parse("0.3.1", ChangelogStyleNotes.OnlyCommits);

        Assert.Empty(digest.BreakingChanges);
        Assert.Empty(digest.MigrationSteps);
        Assert.Empty(digest.EnvironmentVariables);
        Assert.False(digest.AgentUpgradeRequired);
        Assert.Null(digest.MinCompatibleVersion);
    }

    [Fact]
    public void A_bang_commit_migration_commit_and_operator_prose_fill_the_digest()
    {
        var digest = Parse("0.3.0", ChangelogStyleNotes.WithOperatorProse);

        Assert.Equal(["51e7f3d fix(webhooks)!: sign outgoing webhooks"], digest.BreakingChanges);
        Assert.Equal(
            ["a0c5e92 feat(migrations): backfill assets.owner from asset metadata",
             "This release's database migration rewrites the assets table; take a backup first."],
            digest.MigrationSteps);
        Assert.Equal(["WEBHOOK_SECRET"], digest.EnvironmentVariables);
    }

    [Fact]
    public void A_variable_mentioned_as_no_longer_used_is_not_required()
    {
        var digest = Parse("0.3.0", ChangelogStyleNotes.WithOperatorProse);

        Assert.Contains("LEGACY_TOKEN_TTL", ChangelogStyleNotes.WithOperatorProse);
        Assert.DoesNotContain("LEGACY_TOKEN_TTL", digest.EnvironmentVariables);
    }

    [Fact]
    public void Agents_do_not_need_to_be_upgraded_reads_as_no_agent_upgrade()
    {
        Assert.False(Parse("0.3.0", ChangelogStyleNotes.WithOperatorProse).AgentUpgradeRequired);
    }

    [Fact]
    public void Crlf_notes_edited_on_github_read_the_same_as_lf_notes()
    {
        var lf = Parse("0.3.0", ChangelogStyleNotes.WithOperatorProse.Replace("\r\n", "\n"));
        var crlf = Parse("0.3.0", ChangelogStyleNotes.Crlf);

        Assert.Contains("\r\n", ChangelogStyleNotes.Crlf);
        Assert.Equal(lf.BreakingChanges, crlf.BreakingChanges);
        Assert.Equal(lf.MigrationSteps, crlf.MigrationSteps);
        Assert.Equal(["WEBHOOK_SECRET"], crlf.EnvironmentVariables);
        Assert.Equal(lf.AgentUpgradeRequired, crlf.AgentUpgradeRequired);
    }

    [Fact]
    public void A_feat_bang_commit_is_a_breaking_change_and_an_alembic_commit_a_migration()
    {
        var digest = Parse("0.4.0", ChangelogStyleNotes.WithReleaseYaml);

        Assert.Equal(["0a1b2c3 feat(change-windows)!: change windows replace legacy flags"], digest.BreakingChanges);
        Assert.Equal(["4d5e6f7 feat(alembic): change_windows table filled from legacy_flags.maintenance_day"], digest.MigrationSteps);
    }

    [Fact]
    public void A_release_yml_block_in_the_notes_gives_the_required_stop_and_severity()
    {
        var digest = Parse("0.4.0", ChangelogStyleNotes.WithReleaseYaml);

        Assert.Equal(NexplaneVersion.Parse("0.3.0"), digest.MinCompatibleVersion);
        Assert.Equal("critical", digest.Severity);
    }

    [Fact]
    public void Agents_must_be_upgraded_reads_as_an_agent_upgrade()
    {
        Assert.True(Parse("0.4.0", ChangelogStyleNotes.WithReleaseYaml).AgentUpgradeRequired);
    }

    [Fact]
    public void A_variable_that_became_optional_is_not_required()
    {
        Assert.Empty(Parse("0.4.0", ChangelogStyleNotes.WithReleaseYaml).EnvironmentVariables);
    }

    [Fact]
    public void A_breaking_change_footer_is_a_breaking_change_of_its_own()
    {
        var digest = Parse("0.5.0", ChangelogStyleNotes.WithBreakingChangeFooter);

        Assert.Equal(["BREAKING CHANGE: the /api/v1/assets endpoints are removed; use /api/v2/assets."], digest.BreakingChanges);
    }

    [Fact]
    public void Imperative_operator_bullets_require_their_variable_and_an_agent_upgrade()
    {
        var digest = Parse("0.5.0", ChangelogStyleNotes.WithBreakingChangeFooter);

        Assert.Equal(["NEXPLANE_PUBLIC_URL"], digest.EnvironmentVariables);
        Assert.True(digest.AgentUpgradeRequired);
    }

    [Fact]
    public void Under_a_heading_of_its_own_a_concern_is_decided_by_the_heading_and_read_once()
    {
        var digest = Parse("0.5.0", """
            ## Breaking changes
            - The /api/v1/assets endpoints are removed.

            ## Upgrade notes
            - Agents must be upgraded before the control plane.
            - Set `NEXPLANE_PUBLIC_URL` before upgrading.
            """);

        Assert.Equal(["The /api/v1/assets endpoints are removed."], digest.BreakingChanges);
        Assert.True(digest.AgentUpgradeRequired);
        Assert.Equal(["NEXPLANE_PUBLIC_URL"], digest.EnvironmentVariables);
    }
}
