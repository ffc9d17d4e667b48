using Nuke.Common;
using Nuke.Common.IO;

namespace NukeCompat.Tests;

public class ParameterTests
{
    public enum Channel
    {
        Stable,
        Preview,
    }

    private sealed class ParameterBuild : NukeBuild
    {
        [Parameter("Where to deploy")] readonly string Environment = "initial";
        [Parameter] readonly int Retries = 1;
        [Parameter] readonly long MaxBytes;
        [Parameter] readonly double Ratio;
        [Parameter] readonly bool Force;
        [Parameter] readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
        [Parameter] readonly Channel ReleaseChannel;
        [Parameter] readonly string[] Hosts = [];
        [Parameter(Separator = "+")] readonly string[] Services = [];
        [Parameter] readonly int? Port;
        [Parameter] readonly AbsolutePath? BackupFile;
        [Parameter(Name = "NuGetApiKey")] string? ApiKeyValue { get; set; }
        [Parameter] private string? GetOnlyProperty { get; }

        public string EnvironmentValue => Environment;
        public int RetriesValue => Retries;
        public long MaxBytesValue => MaxBytes;
        public double RatioValue => Ratio;
        public bool ForceValue => Force;
        public TimeSpan TimeoutValue => Timeout;
        public Channel ChannelValue => ReleaseChannel;
        public string[] HostsValue => Hosts;
        public string[] ServicesValue => Services;
        public int? PortValue => Port;
        public AbsolutePath? BackupFileValue => BackupFile;
        public string? ApiKey => ApiKeyValue;
        public string? GetOnly => GetOnlyProperty;

        public Target Show => _ => _.Executes(() => { });
    }

    private static BuildRunResult<ParameterBuild> Run(string arguments, Dictionary<string, string>? environment = null, TestRoot? root = null) =>
        TestBuild.Run<ParameterBuild>("Show " + arguments, environment, root);

    [Fact]
    public void Command_line_beats_environment_beats_profile_beats_parameters_file_beats_initializer()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Environment": "from-file", "Retries": 2, "Force": true }""");
        root.WriteParameters("""{ "Environment": "from-profile", "Retries": 3 }""", profile: "prod");

        Assert.Equal("from-file", Run("", root: root).Build.EnvironmentValue);
        Assert.Equal("from-profile", Run("--profile prod", root: root).Build.EnvironmentValue);
        Assert.Equal("from-env", Run("--profile prod", new() { ["ENVIRONMENT"] = "from-env" }, root).Build.EnvironmentValue);
        Assert.Equal("from-cli", Run("--profile prod --environment from-cli", new() { ["ENVIRONMENT"] = "from-env" }, root).Build.EnvironmentValue);

        var layered = Run("--profile prod", root: root).Build;
        Assert.Equal(3, layered.RetriesValue);
        Assert.True(layered.ForceValue);
        Assert.Equal("initial", Run("").Build.EnvironmentValue);
    }

    [Fact]
    public void Each_parameter_remembers_where_its_value_came_from()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Retries": 2 }""");

        var build = Run("--force", new() { ["NUKE_ENVIRONMENT"] = "from-env" }, root).Build;

        Assert.Equal("the command line", build.ParameterOrigin("Force"));
        Assert.Equal("environment variable NUKE_ENVIRONMENT", build.ParameterOrigin("Environment"));
        Assert.StartsWith("parameter file ", build.ParameterOrigin("Retries"));
        Assert.EndsWith("parameters.json", build.ParameterOrigin("Retries"));
        Assert.Null(build.ParameterOrigin("Timeout"));
    }

    [Fact]
    public void Later_profiles_win_and_a_missing_profile_fails()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Retries": 5 }""", profile: "a");
        root.WriteParameters("""{ "Retries": 6 }""", profile: "b");

        Assert.Equal(6, Run("--profile a b", root: root).Build.RetriesValue);
        Assert.Equal(5, Run("--profile b a", root: root).Build.RetriesValue);

        var missing = Run("--profile nope", root: root);
        Assert.Equal(-1, missing.ExitCode);
        Assert.Contains("Profile 'nope' does not exist", missing.Output);
    }

    [Fact]
    public void Cli_names_match_leniently_and_the_last_occurrence_wins()
    {
        Assert.Equal(7, Run("--retries 1 -Retries 7").Build.RetriesValue);
        Assert.Equal("k", Run("--nuget-api-key k").Build.ApiKey);
        Assert.Equal("k", Run("--NUGETAPIKEY k").Build.ApiKey);
    }

    [Fact]
    public void Environment_variables_match_exactly_or_by_letters_with_optional_nuke_prefix()
    {
        Assert.Equal(4, Run("", new() { ["Retries"] = "4" }).Build.RetriesValue);
        Assert.Equal("k", Run("", new() { ["NUGET_API_KEY"] = "k" }).Build.ApiKey);
        Assert.Equal("k", Run("", new() { ["NUKE_NUGET_API_KEY"] = "k" }).Build.ApiKey);
    }

    [Fact]
    public void Several_matching_environment_variables_warn_and_count_as_missing()
    {
        var result = Run("", new() { ["RETRIES"] = "4", ["NUKE_RETRIES"] = "5" });

        Assert.Equal(1, result.Build.RetriesValue);
        Assert.Contains("Could not resolve Retries since multiple values are provided", result.Output);
    }

    [Fact]
    public void Values_convert_to_their_member_types()
    {
        using var root = new TestRoot();
        var build = Run("--max-bytes 5000000000 --ratio 0.5 --force --timeout 90s --release-channel preview " +
            "--hosts a b \"c d\" --services db+redis --port 8080 --backup-file backups/x.dump --get-only-property set", root: root).Build;

        Assert.Equal(5_000_000_000L, build.MaxBytesValue);
        Assert.Equal(0.5, build.RatioValue);
        Assert.True(build.ForceValue);
        Assert.Equal(TimeSpan.FromSeconds(90), build.TimeoutValue);
        Assert.Equal(Channel.Preview, build.ChannelValue);
        Assert.Equal(["a", "b", "c d"], build.HostsValue);
        Assert.Equal(["db", "redis"], build.ServicesValue);
        Assert.Equal(8080, build.PortValue);
        Assert.Equal(Path.Combine(root.Path, "backups", "x.dump"), (string)build.BackupFileValue!);
        Assert.Equal("set", build.GetOnly);
    }

    [Theory]
    [InlineData("00:05:00", 300)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("-5s", -5)]
    [InlineData("-1h30m", -5400)]
    [InlineData("-00:05:00", -300)]
    public void TimeSpan_accepts_clock_and_short_forms(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Run("--timeout " + text).Build.TimeoutValue);
    }

    [Fact]
    public void Bool_environment_variables_must_be_true_or_false_and_empty_means_false()
    {
        Assert.True(Run("", new() { ["FORCE"] = "TRUE" }).Build.ForceValue);
        Assert.False(Run("--profile p", new() { ["FORCE"] = "" }, WithForceInFile()).Build.ForceValue);

        var invalid = Run("", new() { ["FORCE"] = "yes" });
        Assert.Equal(-1, invalid.ExitCode);
        Assert.Contains("Value 'yes' is not a valid Boolean", invalid.Output);
        Assert.Contains("Resolving parameter 'Force' failed. Environment variable was:", invalid.Output);

        static TestRoot WithForceInFile()
        {
            var root = new TestRoot();
            root.WriteParameters("""{ "Force": true }""", profile: "p");
            return root;
        }
    }

    [Theory]
    [InlineData("--retries abc", "Value 'abc' is not a valid Int32")]
    [InlineData("--retries 1 2", "Value [ 1, 2 ] cannot be assigned to 'Int32'")]
    [InlineData("--timeout 300", "Value '300' is not a valid TimeSpan")]
    [InlineData("--release-channel nightly", "Value 'nightly' is not one of Channel: Stable, Preview")]
    [InlineData("--services a+b c", "mix several tokens with the separator '+'")]
    [InlineData("--port", "A value of type 'Int32?' is required")]
    public void Conversion_errors_name_the_value_and_the_argument(string arguments, string message)
    {
        var result = Run(arguments);

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains(message, result.Output);
        Assert.Contains("Resolving argument '", result.Output);
        Assert.Contains("Arguments were:\n  [0] = Show", result.Output);
    }

    [Fact]
    public void File_values_convert_json_types_and_report_the_file_on_error()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Hosts": ["x", "y"], "Port": 1, "Timeout": "10m", "BackupFile": "b.dump" }""");
        var build = Run("", root: root).Build;

        Assert.Equal(["x", "y"], build.HostsValue);
        Assert.Equal(1, build.PortValue);
        Assert.Equal(TimeSpan.FromMinutes(10), build.TimeoutValue);
        Assert.Equal(Path.Combine(root.Path, "b.dump"), (string)build.BackupFileValue!);

        using var broken = new TestRoot();
        broken.WriteParameters("""{ "Port": [1, 2] }""");
        var result = Run("", root: broken);
        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("An array cannot be assigned to 'Int32?'", result.Output);
        Assert.Contains("Resolving parameter 'Port' failed. Parameter file", result.Output);
    }

    [Fact]
    public void A_value_after_an_option_is_not_a_target()
    {
        var result = TestBuild.Run<ParameterBuild>("--environment prod Show");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Value [ prod, Show ] cannot be assigned to 'String'", result.Output);
    }

    [Fact]
    public void A_negative_number_after_an_option_is_its_value_so_the_build_can_judge_it()
    {
        var result = Run("--retries -1 --ratio -0.5 --timeout -5s --hosts -1 a");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(-1, result.Build.RetriesValue);
        Assert.Equal(-0.5, result.Build.RatioValue);
        Assert.Equal(TimeSpan.FromSeconds(-5), result.Build.TimeoutValue);
        Assert.Equal(["-1", "a"], result.Build.HostsValue);
        Assert.DoesNotContain("Unknown option", result.Output);
    }

    [Fact]
    public void A_negative_number_with_no_option_before_it_is_still_an_option()
    {
        var result = Run("-1");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[WRN] Unknown option '-1' was ignored", result.Output);
    }

    [Fact]
    public void Unknown_options_are_reported_as_warnings()
    {
        var result = Run("--enviroment prod");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[WRN] Unknown option '--enviroment' was ignored", result.Output);
    }

    [RejectUnknownOptions]
    private sealed class StrictBuild : NukeBuild
    {
        [Parameter] readonly string? Environment;
        public bool Ran { get; private set; }
        public Target Deploy => _ => _.Executes(() => Ran = true);
        public string? EnvironmentValue => Environment;
    }

    [Fact]
    public void With_RejectUnknownOptions_an_unknown_option_ends_the_build_before_any_target_runs()
    {
        var result = TestBuild.Run<StrictBuild>("Deploy --environment prod --dry-run --enviroment x");

        Assert.Equal(-1, result.ExitCode);
        Assert.False(result.Build.Ran);
        Assert.Contains("Unknown options '--dry-run', '--enviroment': nothing was run", result.Output);
        Assert.True(TestBuild.Run<StrictBuild>("Deploy --environment prod").Build.Ran);
    }

    [ProfilesReplaceDefaultParameters]
    private sealed class ProfileReplacingBuild : NukeBuild
    {
        [Parameter] readonly string? Environment;
        [Parameter] readonly int Retries = 1;
        public Target Show => _ => _.Executes(() => { });
        public string? EnvironmentValue => Environment;
        public int RetriesValue => Retries;
    }

    [Fact]
    public void With_ProfilesReplaceDefaultParameters_a_profile_inherits_nothing_from_parameters_json()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Environment": "sandbox", "Retries": 5 }""");
        root.WriteParameters("""{ "Environment": "prod" }""", profile: "prod");

        var withoutProfile = TestBuild.Run<ProfileReplacingBuild>("Show", root: root).Build;
        Assert.Equal("sandbox", withoutProfile.EnvironmentValue);
        Assert.Equal(5, withoutProfile.RetriesValue);

        var withProfile = TestBuild.Run<ProfileReplacingBuild>("Show --profile prod", root: root).Build;
        Assert.Equal("prod", withProfile.EnvironmentValue);
        Assert.Equal(1, withProfile.RetriesValue);
        Assert.Null(withProfile.ParameterOrigin("Retries"));
    }
}
