using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace EndToEnd.Tests.CiIntegration;

/// <summary>
/// The example pipelines in examples/ are what operators copy: every ./build.sh target and option they run must
/// exist in ./build.sh --help, secrets must reach the build as environment variables only, and each pipeline must
/// rehearse, wait for a person, upgrade with a profile and keep the report.
/// </summary>
public sealed partial class ExamplePipelineTests
{
    static readonly string GitHubWorkflow = Path.Combine(RepositoryRoot.Path, "examples", "github-actions", "upgrade-nexplane.yml");
    static readonly string GitLabPipeline = Path.Combine(RepositoryRoot.Path, "examples", "gitlab-ci", ".gitlab-ci.yml");

    /// <summary>The build's [Secret] parameters: never on a command line.</summary>
    static readonly string[] SecretOptions = ["--database-password", "--login-password", "--github-token", "--webhook-url", "--agent-ssh-key-passphrase"];

    static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    static string Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value ?? "";

    static IEnumerable<(string Job, YamlMappingNode Definition)> GitHubJobs() =>
        ((YamlMappingNode)Child(Load(GitHubWorkflow), "jobs")!).Children.Select(job => (Scalar(job.Key), (YamlMappingNode)job.Value));

    static IEnumerable<(string Job, YamlMappingNode Definition)> GitLabJobs() =>
        Load(GitLabPipeline).Children
            .Where(entry => entry.Value is YamlMappingNode job && Child(job, "script") is not null)
            .Select(entry => (Scalar(entry.Key), (YamlMappingNode)entry.Value));

    /// <summary>Every shell line a job runs: GitHub steps' run:, GitLab's script: entries.</summary>
    static IEnumerable<string> GitHubCommands(YamlMappingNode job) =>
        ((YamlSequenceNode)Child(job, "steps")!).Select(step => Scalar(Child(step, "run"))).Where(run => run.Length > 0)
            .SelectMany(run => run.Split('\n'));

    static IEnumerable<string> GitLabCommands(YamlMappingNode job) =>
        ((YamlSequenceNode)Child(job, "script")!).Select(Scalar);

    static IEnumerable<string> AllCommands() =>
        GitHubJobs().SelectMany(job => GitHubCommands(job.Definition)).Concat(GitLabJobs().SelectMany(job => GitLabCommands(job.Definition)));

    /// <summary>The targets (leading words) and options (--x) of each ./build.sh call, as the build parses them.</summary>
    static IEnumerable<(IReadOnlyList<string> Targets, IReadOnlyList<string> Options)> BuildCalls() =>
        AllCommands()
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("./build.sh", StringComparison.Ordinal))
            .Select(line =>
            {
                var tokens = line["./build.sh".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var targets = tokens.TakeWhile(token => !token.StartsWith('-')).ToArray();
                return ((IReadOnlyList<string>)targets, (IReadOnlyList<string>)tokens.Where(token => token.StartsWith("--")).ToArray());
            });

    [Fact]
    public async Task Every_target_and_option_the_examples_run_is_in_the_builds_help()
    {
        var help = await BuildScript.RunAsync(["--help", "--no-logo"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        var targets = HelpTarget().Matches(help.Output).Select(match => match.Groups["name"].Value).ToHashSet();
        var options = HelpOption().Matches(help.Output).Select(match => match.Groups["option"].Value).ToHashSet();
        Assert.Contains("Upgrade", targets);
        Assert.Contains("--dry-run", options);

        var calls = BuildCalls().ToArray();
        Assert.True(calls.Length >= 6, $"expected the examples' ./build.sh calls, found {calls.Length}");
        var unknown = calls.SelectMany(call => call.Targets.Where(target => !targets.Contains(target))
                .Concat(call.Options.Where(option => !options.Contains(option))))
            .Distinct()
            .ToArray();
        Assert.True(unknown.Length == 0, "not in ./build.sh --help: " + string.Join(", ", unknown));
    }

    [Fact]
    public void No_secret_is_ever_an_argument_and_GitHub_secrets_reach_the_build_only_through_env()
    {
        foreach (var (targets, options) in BuildCalls())
            Assert.Empty(options.Intersect(SecretOptions));
        foreach (var command in AllCommands())
            Assert.DoesNotContain("secrets.", command);
        var workflowText = File.ReadAllText(GitHubWorkflow);
        var secretLines = workflowText.Split('\n').Where(line => line.Contains("${{ secrets.")).ToArray();
        Assert.NotEmpty(secretLines);
        Assert.All(secretLines, line => Assert.Matches(@"^\s+[A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}\s*$", line));
    }

    [Fact]
    public void The_GitHub_workflow_rehearses_then_waits_for_approval_then_upgrades_with_a_profile_and_keeps_the_report()
    {
        var jobs = GitHubJobs().ToDictionary(job => job.Job, job => job.Definition);
        var rehearse = jobs.Single(job => GitHubCommands(job.Value).Any(command => command.Contains("./build.sh Rehearse")));
        var upgrade = jobs.Single(job => GitHubCommands(job.Value).Any(command => command.Contains("./build.sh Upgrade") && !command.Contains("--dry-run")));

        Assert.Equal(rehearse.Key, Scalar(Child(upgrade.Value, "needs")));
        Assert.Equal("production", Scalar(Child(upgrade.Value, "environment")));
        Assert.Contains(GitHubCommands(upgrade.Value), command => command.Contains("--profile prod"));
        foreach (var job in new[] { rehearse.Value, upgrade.Value })
            Assert.Contains((YamlSequenceNode)Child(job, "steps")!, step =>
                Scalar(Child(step, "uses")).StartsWith("actions/upload-artifact@") && Scalar(Child(step, "if")) == "always()" &&
                Scalar(Child(Child(step, "with")!, "path")).StartsWith(".nuke/temp/upgrade/report-"));
    }

    [Fact]
    public void The_GitLab_pipeline_rehearses_then_waits_for_a_manual_start_then_upgrades_with_a_profile_and_keeps_the_report()
    {
        var jobs = GitLabJobs().ToDictionary(job => job.Job, job => job.Definition);
        var rehearse = jobs.Single(job => GitLabCommands(job.Value).Any(command => command.Contains("./build.sh Rehearse")));
        var upgrade = jobs.Single(job => GitLabCommands(job.Value).Any(command => command.Contains("./build.sh Upgrade") && !command.Contains("--dry-run")));

        Assert.Equal(["rehearse", "upgrade"], ((YamlSequenceNode)Child(Load(GitLabPipeline), "stages")!).Select(Scalar));
        Assert.Equal("rehearse", Scalar(Child(rehearse.Value, "stage")));
        Assert.Equal("upgrade", Scalar(Child(upgrade.Value, "stage")));
        Assert.Equal("manual", Scalar(Child(upgrade.Value, "when")));
        Assert.Equal("false", Scalar(Child(upgrade.Value, "allow_failure")));
        Assert.Contains(GitLabCommands(upgrade.Value), command => command.Contains("--profile prod"));
        foreach (var job in new[] { rehearse.Value, upgrade.Value })
        {
            var artifacts = Child(job, "artifacts")!;
            Assert.Equal("always", Scalar(Child(artifacts, "when")));
            Assert.Contains((YamlSequenceNode)Child(artifacts, "paths")!, path => Scalar(path).StartsWith(".nuke/temp/upgrade/report-"));
        }
    }

    /// <summary>A listed target in --help: two spaces, its name, then its dependencies or the end of the line.</summary>
    [GeneratedRegex(@"^  (?<name>[A-Z][A-Za-z]+)(\s+->.*)?$", RegexOptions.Multiline)]
    private static partial Regex HelpTarget();

    [GeneratedRegex(@"^  (?<option>--[a-z][a-z-]*)", RegexOptions.Multiline)]
    private static partial Regex HelpOption();
}
