using Nuke.Common;
using Nuke.Common.Hosts;
using Serilog;

namespace NukeCompat.Tests;

/// <summary>On a CI system the build groups each target's output and raises warnings and errors as that system shows them.</summary>
public class CiHostTests
{
    const string Token = "tok-3f9a2c";

    private sealed class PipelineBuild : NukeBuild
    {
        [Parameter] [Secret] readonly string? ApiToken;

        public Target Restore => _ => _.Executes(() => Log.Information("restoring"));
        public Target Compile => _ => _.DependsOn(Restore).Executes(() => Log.Warning("disk almost full: 95%, token {Token}", ApiToken));
        public Target Publish => _ => _.DependsOn(Compile).Executes(() => throw new InvalidOperationException($"push refused for {ApiToken}\nsecond line"));
        public Target Collective => _ => _.DependsOn(Restore);
    }

    static readonly Dictionary<string, string> GitHubActions = new() { ["GITHUB_ACTIONS"] = "true" };
    static readonly Dictionary<string, string> GitLab = new() { ["GITLAB_CI"] = "true" };

    static string[] Lines(string output) => output.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();

    [Fact]
    public void GitHub_Actions_puts_each_target_that_runs_in_a_group_closed_even_when_it_fails()
    {
        var result = TestBuild.Run<PipelineBuild>($"Publish --no-logo --api-token {Token}", GitHubActions);
        var lines = Lines(result.Output);

        Assert.Equal(["::group::Restore", "::endgroup::", "::group::Compile", "::endgroup::", "::group::Publish", "::endgroup::"],
            lines.Where(line => line.StartsWith("::group::") || line == "::endgroup::"));
        Assert.DoesNotContain("╬", result.Output);
        Assert.True(Array.IndexOf(lines, "::endgroup::", Array.IndexOf(lines, "::group::Publish")) < Array.FindIndex(lines, line => line.StartsWith("Target ")),
            "the last group closes before the summary table");
    }

    [Fact]
    public void GitHub_Actions_raises_warnings_and_errors_as_annotations_titled_with_their_target_and_redacted()
    {
        var result = TestBuild.Run<PipelineBuild>($"Publish --no-logo --api-token {Token}", GitHubActions);
        var lines = Lines(result.Output);

        Assert.Contains("::warning title=Compile::disk almost full: 95%25, token [REDACTED]", lines);
        var error = Assert.Single(lines, line => line.StartsWith("::error title=Publish::"));
        Assert.StartsWith("::error title=Publish::Target Publish has thrown an exception%0A", error);
        Assert.EndsWith("Exception: push refused for [REDACTED]%0Asecond line", error);
        Assert.DoesNotContain(Token, result.Output);
        Assert.DoesNotContain("[WRN] disk almost full", result.Output);
    }

    [Fact]
    public void GitLab_puts_each_target_in_a_collapsible_section_with_matching_names()
    {
        var result = TestBuild.Run<PipelineBuild>($"Compile --no-logo --api-token {Token}", GitLab);
        var markers = Lines(result.Output).Where(line => line.Contains("section_")).ToArray();

        Assert.Equal(4, markers.Length);
        Assert.Matches(@"^\u001b\[0Ksection_start:\d+:target_restore\r\u001b\[0KRestore$", markers[0]);
        Assert.Matches(@"^\u001b\[0Ksection_end:\d+:target_restore\r\u001b\[0K$", markers[1]);
        Assert.Matches(@"^\u001b\[0Ksection_start:\d+:target_compile\r\u001b\[0KCompile$", markers[2]);
        Assert.Matches(@"^\u001b\[0Ksection_end:\d+:target_compile\r\u001b\[0K$", markers[3]);
        Assert.Contains("[WRN] disk almost full: 95%, token [REDACTED]", result.Output);
        Assert.DoesNotContain("::warning", result.Output);
    }

    [Fact]
    public void A_terminal_keeps_nukes_box_header_and_plain_warning_lines()
    {
        var result = TestBuild.Run<PipelineBuild>($"Compile --no-logo --api-token {Token}");

        Assert.Contains("║ Compile", result.Output);
        Assert.Contains("[WRN] disk almost full", result.Output);
        Assert.DoesNotContain("::group::", result.Output);
        Assert.DoesNotContain("section_start", result.Output);
    }

    [Fact]
    public void The_host_option_overrides_detection_and_an_unknown_host_is_refused()
    {
        var forced = TestBuild.Run<PipelineBuild>("Restore --no-logo --host gitlab", GitHubActions);
        var unknown = TestBuild.Run<PipelineBuild>("Restore --no-logo --host Jenkins");

        Assert.Contains("section_start", forced.Output);
        Assert.DoesNotContain("::group::", forced.Output);
        Assert.Equal(-1, unknown.ExitCode);
        Assert.Contains("Unknown host 'Jenkins'; use one of: GitHubActions, GitLab, Terminal.", unknown.Output);
        Assert.DoesNotContain("restoring", unknown.Output);
    }

    [Fact]
    public void GitLab_section_names_keep_only_the_characters_gitlab_accepts() =>
        Assert.Equal("target_deploy_eu_west.1-a", GitLabHost.SectionName("Deploy EU:West.1-a"));

    [Fact]
    public void Collective_and_skipped_targets_get_no_group()
    {
        var result = TestBuild.Run<PipelineBuild>("Collective --no-logo --skip Restore", GitHubActions);

        Assert.DoesNotContain("::group::", result.Output);
    }
}
