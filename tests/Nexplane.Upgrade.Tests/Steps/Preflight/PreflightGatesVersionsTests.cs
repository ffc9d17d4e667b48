using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The versions' gates: the target asked for, the running version, the login on it, the path of releases.</summary>
public sealed class PreflightGatesVersionsTests
{
    [Fact]
    public void A_malformed_target_version_stops_Preflight_before_it_reads_anything()
    {
        var exception = Assert.Throws<PreflightException>(() => PreflightGates.Target("newest"));

        Assert.Equal("'newest' is not a Nexplane version; expected MAJOR.MINOR.PATCH such as 0.3.0.", exception.Message);
        Assert.Equal(V("0.3.0"), PreflightGates.Target("v0.3.0"));
    }

    [Fact]
    public void Version_latest_is_the_newest_stable_release_listed()
    {
        var published = new PublishedReleases([Published("0.3.0"), Published("0.4.0") with { Prerelease = true }, Published("0.2.0")],
            "published release of youbetyourballs/nexplane");

        Assert.Equal(V("0.3.0"), PreflightGates.Latest(published, TestAdvice.Nuke));
    }

    [Fact]
    public void Version_latest_with_nothing_to_choose_from_says_why_and_what_to_pass_instead()
    {
        var unreadable = Assert.Throws<PreflightException>(() => PreflightGates.Latest(
            new PublishedReleases([], "published release of youbetyourballs/nexplane", "GitHub at https://api.github.com/ answered 403 Forbidden."), TestAdvice.Nuke));
        var onlyPrereleases = Assert.Throws<PreflightException>(() => PreflightGates.Latest(
            new PublishedReleases([Published("0.4.0-rc.1")], "release in /srv/CHANGELOG.md"), TestAdvice.Nuke));

        Assert.Equal("--version latest needs the list of releases, which could not be read: GitHub at https://api.github.com/ answered 403 Forbidden. " +
                     "Pass the version to upgrade to instead, e.g. --version 0.3.0.", unreadable.Message);
        Assert.Equal("There is no stable release in /srv/CHANGELOG.md to take as --version latest (drafts and prereleases do not count). " +
                     "Pass the version to upgrade to, e.g. --version 0.3.0.", onlyPrereleases.Message);
    }

    static PublishedRelease Published(string version) => new(V(version), "v" + version, "", []);

    [Fact]
    public void A_running_version_the_backend_does_not_report_is_refused()
    {
        var failure = Assert.Single(PreflightGates.RunningVersion(new RunningVersion(null, "No version endpoint answered")));

        Assert.Equal(new UpgradeGateFailure("current-version", "No version endpoint answered"), failure);
        Assert.Empty(PreflightGates.RunningVersion(On020));
    }

    [Fact]
    public void A_login_that_fails_on_the_running_version_is_refused_before_the_downtime()
    {
        var failure = Assert.Single(PreflightGates.Login(new VerificationGate("login", false, "POST http://127.0.0.1:8000/auth/login as admin@example.com answered 401"), TestAdvice.Nuke));

        Assert.Equal("login", failure.Gate);
        Assert.Equal("The login Verify will use fails on the running version: POST http://127.0.0.1:8000/auth/login as admin@example.com answered 401. " +
                     "Fix --login-email/--login-password (or the deployment's .env) before upgrading.", failure.Message);
    }

    [Fact]
    public void A_login_that_works_or_was_not_tried_passes()
    {
        Assert.Empty(PreflightGates.Login(new VerificationGate("login", true, "admin@example.com logged in"), TestAdvice.Nuke));
        Assert.Empty(PreflightGates.Login(null, TestAdvice.Nuke));
    }

    [Fact]
    public void A_service_pinned_to_another_version_than_the_backend_reports_is_said_not_refused()
    {
        var files = Files(ComposeText.Replace("nexplane-frontend:0.2.0", "nexplane-frontend:0.1.0"));
        var pinned = PreflightGates.PinnedVersions(files, ["backend", "worker", "frontend"]);

        Assert.Equal(["backend", "worker", "frontend"], pinned.Select(p => p.Key));
        var notice = Assert.Single(PreflightGates.MixedVersions(pinned, V("0.2.0")));
        Assert.Equal("The compose file pins frontend to 0.1.0, but the backend reports 0.2.0: the deployment is not on one version.", notice);
        Assert.Empty(PreflightGates.MixedVersions(pinned, null));
    }

    [Fact]
    public void A_tag_that_names_no_version_pins_none()
    {
        var files = Files(ComposeText.Replace("nexplane-frontend:0.2.0", "nexplane-frontend:latest"));

        Assert.Equal(["backend", "worker"], PreflightGates.PinnedVersions(files, ["backend", "worker", "frontend"]).Select(p => p.Key));
    }

    [Fact]
    public void The_path_holds_the_releases_crossed_and_needs_a_running_version_and_readable_notes()
    {
        var releases = new ReleaseFacts([V("0.2.0"), V("0.3.0"), V("0.4.0")], [Release("0.4.0"), Release("0.3.0")], [], "notes");

        var path = PreflightGates.Path(V("0.2.0"), V("0.4.0"), releases);

        Assert.Equal(["0.3.0", "0.4.0"], path!.Releases.Select(r => r.Version.ToString()));
        Assert.Null(PreflightGates.Path(null, V("0.4.0"), releases));
        Assert.Null(PreflightGates.Path(V("0.2.0"), V("0.4.0"), ReleaseFacts.Unreadable("GitHub answered 503")));
        Assert.Null(PreflightGates.Path(V("0.2.0"), V("0.4.0"), null));
    }

    [Fact]
    public void Release_notes_that_cannot_be_read_are_refused()
    {
        var failure = Assert.Single(PreflightGates.UpgradePath(null, ReleaseFacts.Unreadable("GitHub answered 503"), Files(), ["backend"], new UpgradePathOverrides(), TestAdvice.Nuke));

        Assert.Equal(new UpgradeGateFailure("release-notes", "GitHub answered 503"), failure);
        Assert.Empty(PreflightGates.UpgradePath(null, null, Files(), ["backend"], new UpgradePathOverrides(), TestAdvice.Nuke));
    }

    [Fact]
    public void A_variable_the_notes_require_counts_as_defined_in_the_env_file_or_a_selected_services_compose_environment()
    {
        var releases = new ReleaseFacts([V("0.2.0"), V("0.3.0")], [Release("0.3.0", environment: ["DATABASE_URL", "NEXPLANE_TAG"])], [], "notes");
        var path = PreflightGates.Path(V("0.2.0"), V("0.3.0"), releases);

        Assert.Empty(PreflightGates.UpgradePath(path, releases, Files(), ["backend"], new UpgradePathOverrides(), TestAdvice.Nuke));
        // The worker's compose environment does not hold DATABASE_URL: the backend's is not counted when it is not upgraded.
        var failure = Assert.Single(PreflightGates.UpgradePath(path, releases, Files(), ["worker"], new UpgradePathOverrides(), TestAdvice.Nuke));
        Assert.Equal("environment", failure.Gate);
        Assert.Contains("DATABASE_URL", failure.Message);
    }

    [Fact]
    public void The_paths_own_gates_judge_the_published_versions()
    {
        var releases = new ReleaseFacts([V("0.2.0")], [], [], "notes");
        var path = PreflightGates.Path(V("0.2.0"), V("0.3.0"), releases);

        var failure = Assert.Single(PreflightGates.UpgradePath(path, releases, Files(), ["backend"], new UpgradePathOverrides(), TestAdvice.Nuke));

        Assert.Equal(new UpgradeGateFailure("release", "There is no Nexplane release 0.3.0. Published releases: 0.2.0."), failure);
    }
}
