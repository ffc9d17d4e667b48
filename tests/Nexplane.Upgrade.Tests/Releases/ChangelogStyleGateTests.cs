using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Releases;

/// <summary>What changelog-style notes read by prose and commit rules make Preflight's path gates do.</summary>
public sealed class ChangelogStyleGateTests
{
    static NexplaneVersion V(string text) => NexplaneVersion.Parse(text);

    static readonly ReleaseDigest[] Known =
    [
        ReleaseNotesParser.Parse(V("0.2.0"), "## v0.2.0 (2025-12-01)\n\n- 5a6b7c8 feat(assets): asset tags\n"),
        ReleaseNotesParser.Parse(V("0.3.0"), ChangelogStyleNotes.Crlf),
        ReleaseNotesParser.Parse(V("0.4.0"), ChangelogStyleNotes.WithReleaseYaml),
    ];

    static IReadOnlyList<UpgradeGateFailure> Check(string current, string target, UpgradePathOverrides overrides, params string[] variables) =>
        UpgradePath.Between(V(current), V(target), Known)
            .Check(Known.Select(r => r.Version).ToArray(), variables.ToHashSet(), overrides, TestAdvice.Nuke);

    [Fact]
    public void A_variable_required_in_prose_but_missing_from_the_deployment_is_refused()
    {
        var failure = Assert.Single(Check("0.2.0", "0.3.0", new UpgradePathOverrides(AcceptBreakingChanges: true), "LEGACY_TOKEN_TTL"));

        Assert.Equal("environment", failure.Gate);
        Assert.Contains("WEBHOOK_SECRET", failure.Message);
        Assert.DoesNotContain("LEGACY_TOKEN_TTL", failure.Message);
    }

    [Fact]
    public void A_bang_commit_needs_explicit_acceptance_like_a_breaking_changes_heading()
    {
        var failure = Assert.Single(Check("0.2.0", "0.3.0", new UpgradePathOverrides(), "WEBHOOK_SECRET"));

        Assert.Equal("breaking-changes", failure.Gate);
        Assert.Contains("0.3.0: 51e7f3d fix(webhooks)!: sign outgoing webhooks", failure.Message);
        Assert.Empty(Check("0.2.0", "0.3.0", new UpgradePathOverrides(AcceptBreakingChanges: true), "WEBHOOK_SECRET"));
    }

    [Fact]
    public void Min_compatible_version_in_the_notes_is_a_required_stop()
    {
        Assert.Equal([V("0.3.0")], UpgradePath.Between(V("0.2.0"), V("0.4.0"), Known).Stops);
        Assert.Empty(Check("0.2.0", "0.4.0", new UpgradePathOverrides(AcceptBreakingChanges: true), "WEBHOOK_SECRET"));
    }

    [Fact]
    public void An_agent_upgrade_demanded_in_prose_is_required_by_the_path()
    {
        Assert.False(UpgradePath.Between(V("0.2.0"), V("0.3.0"), Known).AgentUpgradeRequired);
        Assert.True(UpgradePath.Between(V("0.3.0"), V("0.4.0"), Known).AgentUpgradeRequired);
    }

    [Fact]
    public void Migrations_announced_by_commits_or_prose_count_for_the_path()
    {
        Assert.False(UpgradePath.Between(V("0.1.0"), V("0.2.0"), Known).AnnouncesMigrations);
        Assert.True(UpgradePath.Between(V("0.2.0"), V("0.3.0"), Known).AnnouncesMigrations);
    }
}
