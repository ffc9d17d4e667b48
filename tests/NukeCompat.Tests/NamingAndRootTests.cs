using Nuke.Common;
using Nuke.Common.Parameters;

namespace NukeCompat.Tests;

public class NamingAndRootTests
{
    [Theory]
    [InlineData("NuGetApiKey", "nuget-api-key")]
    [InlineData("NoLogo", "no-logo")]
    [InlineData("APIKey", "apikey")]
    [InlineData("GitHubToken", "github-token")]
    [InlineData("UseMSBuildLogger", "use-msbuild-logger")]
    [InlineData("Version", "version")]
    public void Cli_names_are_kebab_case_with_known_words_kept_whole(string name, string expected)
    {
        Assert.Equal(expected, ParameterNaming.ToKebabCase(name));
    }

    private sealed class RootBuild : NukeBuild
    {
        public AbsolutePathHolder Seen { get; } = new();

        public Target Show => _ => _.Executes(() => Seen.Root = RootDirectory);
    }

    public sealed class AbsolutePathHolder
    {
        public string? Root { get; set; }
    }

    [Fact]
    public void Root_is_found_by_walking_up_to_the_nuke_directory()
    {
        using var root = new TestRoot();
        var nested = Directory.CreateDirectory(Path.Combine(root.Path, "a", "b")).FullName;
        RootBuild? build = null;

        var exitCode = BuildRunner.Run(
            new BuildOptions { Arguments = ["Show"], WorkingDirectory = nested, Output = new StringWriter(), EnvironmentVariables = new Dictionary<string, string>(), Interrupts = new InterruptSignal() },
            () => build = new RootBuild());

        Assert.Equal(0, exitCode);
        Assert.Equal(root.Path, build!.Seen.Root);
    }

    [Fact]
    public void Missing_nuke_directory_is_an_error_that_suggests_root()
    {
        var directory = Directory.CreateTempSubdirectory("nukecompat-noroot").FullName;
        var output = new StringWriter();

        var exitCode = BuildRunner.Run<RootBuild>(
            new BuildOptions { Arguments = ["Show"], WorkingDirectory = directory, Output = output, EnvironmentVariables = new Dictionary<string, string>(), Interrupts = new InterruptSignal() });

        Assert.Equal(-1, exitCode);
        Assert.Contains($"Could not locate '.nuke' directory/file while walking up from '{directory}'.", output.ToString());
        Assert.Contains("Either create a directory/file to mark the root directory, or add '--root [path]' to the invocation.", output.ToString());
        Directory.Delete(directory);
    }

    [Fact]
    public void Root_option_sets_the_root_directory()
    {
        using var root = new TestRoot();
        var elsewhere = Directory.CreateTempSubdirectory("nukecompat-cwd").FullName;
        RootBuild? build = null;

        var exitCode = BuildRunner.Run(
            new BuildOptions { Arguments = ["Show", "--root", root.Path], WorkingDirectory = elsewhere, Output = new StringWriter(), EnvironmentVariables = new Dictionary<string, string>(), Interrupts = new InterruptSignal() },
            () => build = new RootBuild());

        Assert.Equal(0, exitCode);
        Assert.Equal(root.Path, build!.Seen.Root);
        Directory.Delete(elsewhere);
    }
}
