using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class CommitBulletTests
{
    [Fact]
    public void A_changelog_bullet_reads_as_sha_type_scope_and_subject()
    {
        var commit = CommitBullet.Parse("- 1a2b3c4 fix(auth)!: drop legacy tokens");

        Assert.Equal(new CommitBullet("1a2b3c4", "fix", "auth", true, "drop legacy tokens"), commit);
    }

    [Theory]
    [InlineData("- Agents must be upgraded to 0.4.0.")]
    [InlineData("- `006_drop_legacy_flags`: drops `legacy_flags`")]
    [InlineData("This release's database migration rewrites the assets table.")]
    public void Prose_and_heading_style_bullets_are_not_commits(string line)
    {
        Assert.Null(CommitBullet.Parse(line));
    }

    [Theory]
    [InlineData("- 1a2b3c4 fix!: drop legacy tokens", true)]
    [InlineData("- 1a2b3c4 feat(api)!: v2 asset API", true)]
    [InlineData("- 1a2b3c4 refactor(api): BREAKING CHANGE drop the v1 routes", true)]
    [InlineData("- 1a2b3c4 fix: drop legacy tokens", false)]
    [InlineData("- 1a2b3c4 docs: list the breaking changes of 0.4.0", false)]
    public void A_commit_is_breaking_only_when_its_subject_marks_it(string line, bool breaking)
    {
        Assert.Equal(breaking, CommitBullet.Parse(line)!.IsBreaking);
    }

    [Theory]
    [InlineData("- 1a2b3c4 feat(migrations): backfill asset owners", true)]
    [InlineData("- 1a2b3c4 fix(db): alembic revision for change windows", true)]
    [InlineData("- 1a2b3c4 feat: add migration for asset tags", true)]
    [InlineData("- 1a2b3c4 chore(deps): bump alembic from 1.13.1 to 1.13.2", false)]
    [InlineData("- 1a2b3c4 Bump alembic from 1.13.1 to 1.13.2", false)]
    [InlineData("- 1a2b3c4 docs: how migrations run at startup", false)]
    [InlineData("- 1a2b3c4 feat(search): migrate to trigram indexes", false)]
    public void A_commit_is_a_migration_when_it_names_one_and_is_not_housekeeping(string line, bool migration)
    {
        Assert.Equal(migration, CommitBullet.Parse(line)!.IsMigration);
    }

    [Fact]
    public void Commit_subjects_never_require_variables_or_agent_upgrades()
    {
        var digest = ReleaseNotesParser.Parse(NexplaneVersion.Parse("0.5.0"),
            "- 1a2b3c4 feat(agents): agents must be upgraded when WEBHOOK_SECRET must be set\n");

        Assert.Empty(digest.EnvironmentVariables);
        Assert.False(digest.AgentUpgradeRequired);
    }
}
