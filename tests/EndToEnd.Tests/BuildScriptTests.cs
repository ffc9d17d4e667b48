using EndToEnd.Tests.Support;

namespace EndToEnd.Tests;

/// <summary>
/// The real ./build.sh, run as a process the way an operator runs it. These tests run one after another
/// (one class), because every run writes the same .nuke/temp logs.
/// </summary>
public sealed class BuildScriptTests
{
    /// <summary>The runbook's one table: the plan the build prints must follow it.</summary>
    static readonly string[] RunbookOrder = Nexplane.Upgrade.Runbook.RunbookTable.Steps.Select(step => step.ToString()).ToArray();

    [Fact]
    public async Task Help_lists_the_runbook_targets_and_their_parameters()
    {
        var result = await BuildScript.RunAsync(["--help", "--no-logo"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var target in RunbookOrder.Append("Upgrade").Append("Rollback").Append("Restore").Append("Status"))
            Assert.Contains($"  {target}", result.Output);
        Assert.Contains("Upgrades Nexplane to --version", result.Output);
        Assert.Contains("--version", result.Output);
        Assert.Contains("--compose-file", result.Output);
        Assert.Contains("--protected-services", result.Output);
        Assert.Contains("--github-token", result.Output);
    }

    [Fact]
    public async Task Upgrade_without_a_version_fails_before_any_target_runs_and_names_the_parameter()
    {
        var result = await BuildScript.RunAsync(["Upgrade", "--no-logo"]);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("requires member 'Version'", result.Output);
        Assert.DoesNotContain("║ Preflight", result.Output);
    }

    [Fact]
    public async Task An_unknown_target_fails_listing_the_available_targets()
    {
        var result = await BuildScript.RunAsync(["Upgrad", "--no-logo"]);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Target with name 'Upgrad' does not exist", result.Output);
        Assert.Contains("  - Upgrade", result.Output);
        Assert.Contains("  - Rollback", result.Output);
    }

    [Fact]
    public async Task Plan_lists_the_runbook_in_order_with_the_rollback_hook_after_the_last_step_it_guards()
    {
        var result = await BuildScript.RunAsync(["Upgrade", "--plan", "--version", "0.3.0", "--no-logo"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var planLines = result.Output.Split('\n').TakeWhile(line => !line.StartsWith("```")).ToArray();
        int Position(string target) => Array.FindIndex(planLines, line =>
            line.Split(". ", 2) is [_, var entry] && entry.Split(' ')[0].Trim() == target);
        var positions = RunbookOrder.Select(Position).ToArray();
        Assert.All(positions, position => Assert.True(position >= 0, result.ToString()));
        Assert.Equal(positions.Order(), positions);
        Assert.True(Position("Rollback") > Position("Verify"), result.ToString());
        Assert.Contains("assured after failure, only when: RollbackNeeded", result.Output);
    }

    [Fact]
    public async Task The_agent_step_alone_refuses_a_missing_hosts_file_before_touching_any_host()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-agent-hosts-{Guid.NewGuid():N}.json");

        var result = await BuildScript.RunAsync(["Agents", "--skip", "--upgrade-agents", "--version", "0.4.0", "--agent-hosts-file", missing, "--no-logo"]);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains($"The agent hosts file {missing} does not exist.", result.Output);
        Assert.Matches(@"Agents\s+Failed", result.Output);
    }

    [Fact]
    public async Task A_secret_given_on_the_command_line_is_never_printed_or_logged()
    {
        const string token = "ghp_sentinel_0123456789abcdef";

        var result = await BuildScript.RunAsync(
            ["Upgrade", "--version", "0.3.0", "--github-token", token, "--verbosity", "verbose", "--no-logo"]);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.DoesNotContain(token, result.Output);
        foreach (var log in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, ".nuke", "temp"), "*.log"))
            Assert.DoesNotContain(token, File.ReadAllText(log));
    }
}
