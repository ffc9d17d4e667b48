using EndToEnd.Tests.DryRun;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.CiIntegration;

/// <summary>
/// The real ./build.sh under a CI system's environment, its output captured as CI captures it (a pipe, no
/// terminal): each step in the system's collapsible block, warnings and errors as GitHub annotations, the report in
/// the job summary. Runs dry runs and refusals on instance 80, so nothing changes.
/// </summary>
[Collection(DryRunCollection.Name)]
public sealed class CiOutputTests(DryRunDeployment fixture) : IDisposable
{
    readonly RollbackDeployment _deployment = fixture.Deployment;
    readonly string _stepSummary = Path.Combine(Path.GetTempPath(), $"step-summary-{Guid.NewGuid():N}.md");

    public void Dispose() => File.Delete(_stepSummary);

    static string[] Lines(string output) => output.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();

    [Fact]
    public async Task On_GitHub_Actions_each_step_is_a_group_a_warning_an_annotation_and_the_report_the_job_summary()
    {
        await _deployment.ReadyOnAsync("0.2.0");

        // The version from an environment variable is one of Preflight's warnings.
        var run = await BuildScript.RunAsync(["Upgrade", "--no-logo", "--accept-breaking-changes", "--dry-run", .. _deployment.ToolArguments],
            new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = _stepSummary, ["VERSION"] = "0.3.0" });

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = Lines(run.Output);
        Assert.Equal(["::group::Preflight", "::endgroup::", "::group::DescribeUpgrade", "::endgroup::"],
            lines.Where(line => line.StartsWith("::group::") || line == "::endgroup::"));
        Assert.Contains(lines, line => line.StartsWith("::warning title=Preflight::The target version 0.3.0 comes from the environment variable VERSION"));
        Assert.DoesNotContain("╬", run.Output);
        Assert.Contains("## Nexplane upgrade 0.2.0 → 0.3.0: dry run: nothing changed", await File.ReadAllTextAsync(_stepSummary));
    }

    [Fact]
    public async Task On_GitHub_Actions_a_refusal_is_an_error_annotation_and_secrets_stay_out_of_it()
    {
        await _deployment.ReadyOnAsync("0.2.0");
        const string webhook = "http://127.0.0.1:9/services/T0/B0/ci-annotation-secret";

        // Breaking changes not accepted: Preflight refuses. The secret comes from the environment, as CI passes it.
        var run = await BuildScript.RunAsync(["Upgrade", "--no-logo", "--version", "0.3.0", .. _deployment.ToolArguments],
            new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = _stepSummary, ["WEBHOOK_URL"] = webhook });

        Assert.Equal(255, run.ExitCode);
        var error = Assert.Single(Lines(run.Output), line => line.StartsWith("::error title=Preflight::"));
        Assert.Contains("[breaking-changes]", error);
        Assert.Contains("%0A", error);
        Assert.DoesNotContain("ci-annotation-secret", run.Output);
        Assert.Contains("failed", await File.ReadAllTextAsync(_stepSummary));
    }

    [Fact]
    public async Task On_GitLab_each_step_is_a_collapsible_section()
    {
        await _deployment.ReadyOnAsync("0.2.0");

        var run = await BuildScript.RunAsync(["Upgrade", "--no-logo", "--version", "0.3.0", "--accept-breaking-changes", "--dry-run", .. _deployment.ToolArguments],
            new Dictionary<string, string?> { ["GITLAB_CI"] = "true" });

        Assert.True(run.ExitCode == 0, run.ToString());
        var markers = Lines(run.Output).Where(line => line.Contains("section_")).ToArray();
        Assert.Equal(4, markers.Length);
        Assert.Matches(@"^\u001b\[0Ksection_start:\d+:target_preflight\r\u001b\[0KPreflight$", markers[0]);
        Assert.Matches(@"^\u001b\[0Ksection_end:\d+:target_preflight\r\u001b\[0K$", markers[1]);
        Assert.Matches(@"^\u001b\[0Ksection_start:\d+:target_describeupgrade\r\u001b\[0KDescribeUpgrade$", markers[2]);
        Assert.Matches(@"^\u001b\[0Ksection_end:\d+:target_describeupgrade\r\u001b\[0K$", markers[3]);
        Assert.DoesNotContain("::group::", run.Output);
    }
}
