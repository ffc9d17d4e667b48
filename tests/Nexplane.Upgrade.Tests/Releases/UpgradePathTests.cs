using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class UpgradePathTests
{
    static NexplaneVersion V(string text) => NexplaneVersion.Parse(text);

    static ReleaseDigest Release(string version, string[]? breaking = null, string[]? variables = null,
        bool agents = false, string? minimum = null) =>
        new(V(version), breaking ?? [], [], variables ?? [], agents, minimum is null ? null : V(minimum), null);

    static readonly ReleaseDigest[] Known =
    [
        Release("0.2.0"),
        Release("0.3.0", variables: ["WEBHOOK_SECRET"]),
        Release("0.4.0", breaking: ["legacy endpoints removed"], agents: true, minimum: "0.3.0"),
    ];

    static readonly NexplaneVersion[] KnownVersions = Known.Select(r => r.Version).ToArray();

    static IReadOnlyList<UpgradeGateFailure> Check(string current, string target, UpgradePathOverrides? overrides = null,
        params string[] variables) =>
        UpgradePath.Between(V(current), V(target), Known)
            .Check(KnownVersions, variables.ToHashSet(), overrides ?? new UpgradePathOverrides(), TestAdvice.Nuke);

    [Fact]
    public void Path_holds_every_release_after_the_current_up_to_the_target()
    {
        var path = UpgradePath.Between(V("0.2.0"), V("0.4.0"), Known);

        Assert.Equal([V("0.3.0"), V("0.4.0")], path.Releases.Select(r => r.Version));
        Assert.True(path.AgentUpgradeRequired);
        Assert.Equal(["WEBHOOK_SECRET"], path.RequiredEnvironmentVariables);
    }

    [Fact]
    public void A_safe_upgrade_passes_every_gate()
    {
        Assert.Empty(Check("0.2.0", "0.3.0", null, "WEBHOOK_SECRET"));
    }

    [Fact]
    public void A_downgrade_is_refused_unless_forced()
    {
        Assert.Equal("downgrade", Assert.Single(Check("0.3.0", "0.2.0")).Gate);
        Assert.Empty(Check("0.3.0", "0.2.0", new UpgradePathOverrides(ForceDowngrade: true)));
    }

    [Fact]
    public void A_required_stop_is_planned_into_the_path_and_passes_the_gates()
    {
        var path = UpgradePath.Between(V("0.2.0"), V("0.4.0"), Known);

        Assert.Equal([V("0.3.0")], path.Stops);
        Assert.False(path.StopsNamed);
        Assert.Equal("0.2.0 -> 0.3.0 -> 0.4.0", path.Route);
        Assert.Equal([(V("0.2.0"), V("0.3.0")), (V("0.3.0"), V("0.4.0"))], path.Hops);
        Assert.Empty(Check("0.2.0", "0.4.0", new UpgradePathOverrides(AcceptBreakingChanges: true), "WEBHOOK_SECRET"));
    }

    [Fact]
    public void An_upgrade_that_crosses_no_minimum_has_no_stop()
    {
        var path = UpgradePath.Between(V("0.3.0"), V("0.4.0"), Known);

        Assert.Empty(path.Stops);
        Assert.Equal("0.3.0 -> 0.4.0", path.Route);
    }

    [Fact]
    public void Via_names_the_stops_instead_of_the_notes()
    {
        ReleaseDigest[] known = [.. Known, Release("0.3.1")];
        var path = UpgradePath.Between(V("0.2.0"), V("0.4.0"), known.OrderBy(r => r.Version), [V("0.3.1"), V("0.3.0")]);

        Assert.True(path.StopsNamed);
        Assert.Equal("0.2.0 -> 0.3.0 -> 0.3.1 -> 0.4.0", path.Route);
        Assert.Empty(path.Check(known.Select(r => r.Version).ToArray(), new HashSet<string> { "WEBHOOK_SECRET" },
            new UpgradePathOverrides(AcceptBreakingChanges: true), TestAdvice.Nuke));
    }

    [Fact]
    public void Via_that_skips_a_required_stop_is_refused_naming_the_stop_to_add()
    {
        ReleaseDigest[] known = [Release("0.2.0"), Release("0.3.0"), Release("0.3.1"), Release("0.4.0", minimum: "0.3.1")];
        var path = UpgradePath.Between(V("0.2.0"), V("0.4.0"), known, [V("0.3.0")]);

        var failure = Assert.Single(path.Check(known.Select(r => r.Version).ToArray(), new HashSet<string>(), new UpgradePathOverrides(), TestAdvice.Nuke));

        Assert.Equal("required-stop", failure.Gate);
        Assert.Contains("0.4.0 can only be reached from 0.3.1 or later, and the path 0.2.0 -> 0.3.0 -> 0.4.0 reaches it from 0.3.0", failure.Message);
        Assert.Contains("Add 0.3.1 to --via", failure.Message);
    }

    [Theory]
    [InlineData("0.3.7", "--via names 0.3.7, which is no Nexplane release")]
    [InlineData("0.2.0", "--via names 0.2.0, which is not between the running 0.2.0 and the target 0.4.0")]
    [InlineData("0.4.0", "--via names 0.4.0, which is not between the running 0.2.0 and the target 0.4.0")]
    public void A_stop_named_by_via_must_be_a_release_between_the_versions(string stop, string message)
    {
        var path = UpgradePath.Between(V("0.2.0"), V("0.4.0"), Known, [V(stop), V("0.3.0")]);

        var failures = path.Check(KnownVersions, new HashSet<string> { "WEBHOOK_SECRET" }, new UpgradePathOverrides(AcceptBreakingChanges: true), TestAdvice.Nuke);

        Assert.Contains(failures, f => f.Gate == "required-stop" && f.Message.Contains(message));
    }

    [Fact]
    public void A_required_stop_that_was_never_released_is_refused()
    {
        ReleaseDigest[] known = [Release("0.2.0"), Release("0.4.0", minimum: "0.3.0")];
        var path = UpgradePath.Between(V("0.2.0"), V("0.4.0"), known);

        var failures = path.Check(known.Select(r => r.Version).ToArray(), new HashSet<string>(), new UpgradePathOverrides(), TestAdvice.Nuke);

        Assert.Contains(failures, f => f.Gate == "required-stop" && f.Message.Contains("The release notes require a stop at 0.3.0, which is no published Nexplane release"));
    }

    [Fact]
    public void Breaking_changes_need_explicit_acceptance()
    {
        Assert.Equal("breaking-changes", Assert.Single(Check("0.3.0", "0.4.0")).Gate);
        Assert.Empty(Check("0.3.0", "0.4.0", new UpgradePathOverrides(AcceptBreakingChanges: true)));
    }

    [Fact]
    public void A_variable_the_notes_require_must_be_defined_by_the_deployment()
    {
        var failure = Assert.Single(Check("0.2.0", "0.3.0"));

        Assert.Equal("environment", failure.Gate);
        Assert.Contains("WEBHOOK_SECRET", failure.Message);
    }

    [Fact]
    public void An_unknown_version_is_refused_listing_the_published_ones()
    {
        var failure = Assert.Single(Check("0.2.0", "0.9.0"));

        Assert.Equal("release", failure.Gate);
        Assert.Contains("0.2.0, 0.3.0, 0.4.0", failure.Message);
    }

    [Theory]
    [InlineData("0.3.0", "0.3.0", false)]
    [InlineData("v0.3.0", "0.3.0", true)]
    [InlineData("V0.3.0", "0.3.0", true)]
    public void Versions_parse_with_or_without_the_v_of_git_tags(string text, string expected, bool hasVPrefix)
    {
        var version = V(text);

        Assert.Equal(expected, version.ToString());
        Assert.Equal(hasVPrefix, version.HasVPrefix);
        Assert.Equal("v" + expected, version.GitTag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0.3")]
    [InlineData("latest")]
    [InlineData("0.3.0; rm -rf /")]
    public void Malformed_versions_are_rejected(string text)
    {
        Assert.False(NexplaneVersion.TryParse(text, out _));
        Assert.Throws<FormatException>(() => NexplaneVersion.Parse(text));
    }
}
