using System.Text.Json;
using Nuke.Common;
using Serilog;

namespace NukeCompat.Tests;

public class OutputTests
{
    private sealed class PackBuild : NukeBuild
    {
        [Parameter("Version to pack.")] readonly string? PackageVersion;
        [Parameter("NuGet feed API key")] [Secret] readonly string? NuGetApiKey;
        [Parameter] readonly int Retries;

        public Target Restore => _ => _.Executes(() => Log.Debug("debug line"));
        public Target Compile => _ => _.Description("Compiles the solution").DependsOn(Restore).Executes(() => Log.Information("compiling"));
        public Target Pack => _ => _.DependsOn(Compile).Executes(() => Log.Warning("no readme"));
        public Target All => _ => _.DependsOn(Pack);
        public Target Internal => _ => _.Unlisted().Executes(() => { });
        public Target Announce => _ => _
            .TriggeredBy(Pack)
            .AssuredAfterFailure()
            .OnlyWhenStatic(() => IsServerBuild)
            .OnlyWhenDynamic(() => SucceededTargets.Contains(Pack))
            .Executes(() => { });
    }

    [Fact]
    public void Summary_table_has_nuke_widths_and_omits_collective_targets()
    {
        var result = TestBuild.Run<PackBuild>("All --no-logo");
        var lines = result.Output.Split('\n');
        var top = Array.LastIndexOf(lines, new string('═', 39), Array.LastIndexOf(lines, "Target             Status      Duration"));

        Assert.Equal(
            [
                new string('═', 39),
                "Target             Status      Duration",
                new string('─', 39),
                "Restore            Succeeded     < 1sec",
                "Compile            Succeeded     < 1sec",
                "Pack               Succeeded     < 1sec",
                "Announce".PadRight(19) + "Skipped".PadRight(10) + new string(' ', 10) + "   // OnlyWhen: IsServerBuild",
                new string('─', 39),
                "Total                            < 1sec",
                new string('═', 39),
                "",
            ],
            lines[top..(top + 11)]);
        Assert.Matches(@"\nBuild succeeded on .+\. ＼（＾ᴗ＾）／\n", result.Output);
        Assert.DoesNotContain("All     ", result.Output);
    }

    [Theory]
    [InlineData(0.4, "< 1sec")]
    [InlineData(1, "0:01")]
    [InlineData(75, "1:15")]
    [InlineData(600, "10:00")]
    [InlineData(3725, "62:05")]
    public void Durations_are_minutes_and_seconds(double seconds, string expected)
    {
        Assert.Equal(expected, Nuke.Common.Output.SummaryTable.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Summary_name_column_grows_with_long_target_names()
    {
        var plan = new List<ExecutableTarget> { new("VerifyMigrationsAgainstBackup", _ => _) { Status = ExecutionStatus.NotRun } };

        var lines = Nuke.Common.Output.SummaryTable.Render(plan).Select(x => x.Text).ToList();

        Assert.Equal(new string('═', 53), lines[1]);
        Assert.Equal("VerifyMigrationsAgainstBackup    NotRun              ", lines[4]);
    }

    [Fact]
    public void Target_header_block_is_printed_before_a_target_with_actions()
    {
        var result = TestBuild.Run<PackBuild>("Compile --no-logo");

        Assert.Contains("\n╬════════════\n║ Compile\n╬═══\n\n", result.Output);
        Assert.DoesNotContain("║ All", result.Output);
    }

    [Fact]
    public void Errors_and_warnings_are_replayed_with_their_target()
    {
        var result = TestBuild.Run<PackBuild>("Pack");

        Assert.Contains("Errors & Warnings\n[WRN] Pack: no readme\n", result.Output);
    }

    private sealed class FailingBuild : NukeBuild
    {
        public Target Deploy => _ => _.Executes(() =>
            throw new InvalidOperationException("Preflight found 1 problem(s):\n  [disk] 3 MB free"));
    }

    [Fact]
    public void A_failed_targets_reason_is_replayed_at_the_end_without_stack_frames()
    {
        var result = TestBuild.Run<FailingBuild>("Deploy --no-logo");

        var replay = result.Output[result.Output.IndexOf("Errors & Warnings", StringComparison.Ordinal)..];
        Assert.Contains("[ERR] Deploy: Target Deploy has thrown an exception\nInvalidOperationException: Preflight found 1 problem(s):\n  [disk] 3 MB free", replay);
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Fact]
    public void Logo_and_engine_version_print_unless_no_logo()
    {
        var withLogo = TestBuild.Run<PackBuild>("Restore");
        var withoutLogo = TestBuild.Run<PackBuild>("Restore --no-logo");

        Assert.Contains("NukeCompat Execution Engine version", withLogo.Output);
        Assert.Contains("███╗", withLogo.Output);
        Assert.DoesNotContain("NukeCompat Execution Engine version", withoutLogo.Output);
        Assert.DoesNotContain("███╗", withoutLogo.Output);
    }

    [Fact]
    public void Console_lines_use_the_timestamp_and_level_template_and_verbosity_filters_them()
    {
        var normal = TestBuild.Run<PackBuild>("Compile");
        var minimal = TestBuild.Run<PackBuild>("Compile --verbosity minimal");

        Assert.Matches(@"\n\d\d:\d\d:\d\d \[INF\] compiling\n", normal.Output);
        Assert.Matches(@"\n\d\d:\d\d:\d\d \[DBG\] debug line\n", normal.Output);
        Assert.DoesNotContain("compiling", minimal.Output);
        Assert.Contains("Build succeeded", minimal.Output);
    }

    [Fact]
    public void Help_lists_targets_with_dependencies_and_sorted_parameters_then_built_ins()
    {
        var result = TestBuild.Run<PackBuild>("--help --no-logo", defaultTargets: x => x.Pack);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            """
            Targets (with their direct dependencies):

              Restore
              Compile              -> Restore
                Compiles the solution.
              Pack (default)       -> Compile
              All                  -> Pack
              Announce

            Parameters:

              --nuget-api-key      NuGet feed API key.
              --package-version    Version to pack.
              --retries            <no description>

              --continue           Indicates to continue a previously failed build attempt.
            """.ReplaceLineEndings("\n"),
            result.Output);
        Assert.Contains("  --target             List of targets to be invoked. Default is 'Pack'.", result.Output);
        Assert.DoesNotContain("Internal", result.Output);
        Assert.DoesNotContain("Build succeeded", result.Output);
    }

    [Fact]
    public void Plan_prints_targets_in_order_with_their_conditions_and_a_mermaid_graph()
    {
        var result = TestBuild.Run<PackBuild>("Pack --plan --no-logo");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            """
              1. Restore
              2. Compile
              3. Pack (invoked)
              4. Announce (triggered by Pack, assured after failure, only when (static): IsServerBuild, only when: SucceededTargets.Contains(Pack))
            """.ReplaceLineEndings("\n"),
            result.Output);
        Assert.Contains("```mermaid\ngraph LR\n  Restore --> Compile\n", result.Output);
        Assert.Contains("  Pack ==> Announce\n", result.Output);
        Assert.DoesNotContain("║ Restore", result.Output);
    }

    [Fact]
    public void Log_file_has_the_executing_target_column_and_only_five_copies_are_kept()
    {
        using var root = new TestRoot();
        Directory.CreateDirectory(root.TempDirectory);
        for (var day = 1; day <= 6; day++)
            File.WriteAllText(Path.Combine(root.TempDirectory, $"build.2000-01-0{day}_00-00-00.log"), "old");

        TestBuild.Run<PackBuild>("Compile", root: root);

        var log = File.ReadAllText(Path.Combine(root.TempDirectory, "build.log"));
        Assert.Matches(@"\d\d:\d\d:\d\d\.\d\d\d \| I \| Compile              \| compiling", log);
        var copies = Directory.GetFiles(root.TempDirectory, "build.????-??-??_??-??-??.log").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(5, copies.Count);
        Assert.DoesNotContain("build.2000-01-01_00-00-00.log", copies);
        Assert.DoesNotContain("build.2000-01-02_00-00-00.log", copies);
        Assert.Contains(copies, x => !x!.StartsWith("build.2000", StringComparison.Ordinal));
    }

    [Fact]
    public void Server_builds_write_no_log_files()
    {
        var result = TestBuild.Run<PackBuild>("Compile", new() { ["CI"] = "true" });

        Assert.False(File.Exists(Path.Combine(result.Root.TempDirectory, "build.log")));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("Pack --plan")]
    [InlineData("")]
    public void Help_plan_and_a_run_naming_no_target_start_no_log_file_and_leave_the_last_runs_logs_as_they_were(string arguments)
    {
        using var root = new TestRoot();
        TestBuild.Run<PackBuild>("Compile", root: root);
        var mainLog = Path.Combine(root.TempDirectory, "build.log");
        var lastRun = File.ReadAllText(mainLog);
        var copies = Directory.GetFiles(root.TempDirectory, "build.????-??-??_??-??-??.log").Order().ToList();
        Assert.Contains("compiling", lastRun);

        var result = TestBuild.Run<PackBuild>(arguments + " --no-logo", root: root);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(arguments.Contains("--plan") ? "Restore" : "Targets (with their direct dependencies):", result.Output);
        Assert.Equal(lastRun, File.ReadAllText(mainLog));
        Assert.Equal(copies, Directory.GetFiles(root.TempDirectory, "build.????-??-??_??-??-??.log").Order().ToList());
    }

    [Fact]
    public void Schema_older_than_the_build_is_rendered_again_and_one_written_since_is_kept_as_it_is()
    {
        using var root = new TestRoot();
        Directory.CreateDirectory(root.NukeDirectory);
        var schema = Path.Combine(root.NukeDirectory, "build.schema.json");
        File.WriteAllText(schema, "{ \"stale\": true }\n");
        File.SetLastWriteTimeUtc(schema, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        TestBuild.Run<PackBuild>("--help", root: root);

        Assert.Contains("\"ExecutableTarget\"", File.ReadAllText(schema));
        Assert.True(File.GetLastWriteTimeUtc(schema) > File.GetLastWriteTimeUtc(typeof(PackBuild).Assembly.Location));

        // Written after the build's assemblies: taken as this build's schema (the engine does not render it again).
        File.WriteAllText(schema, "{ \"written\": \"after the build\" }\n");
        TestBuild.Run<PackBuild>("--help", root: root);
        Assert.Equal("{ \"written\": \"after the build\" }\n", File.ReadAllText(schema));
    }

    [Fact]
    public void Schema_lists_targets_and_parameter_types_and_parameters_file_is_created_once()
    {
        using var root = new TestRoot();
        TestBuild.Run<PackBuild>("Restore", root: root);

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(root.NukeDirectory, "build.schema.json")));
        var definitions = schema.RootElement.GetProperty("definitions");
        Assert.Equal(
            ["All", "Announce", "Compile", "Internal", "Pack", "Restore"],
            definitions.GetProperty("ExecutableTarget").GetProperty("enum").EnumerateArray().Select(x => x.GetString()));
        var properties = definitions.GetProperty("build").GetProperty("properties");
        Assert.Equal("integer", properties.GetProperty("Retries").GetProperty("type").GetString());
        Assert.Equal("Version to pack.", properties.GetProperty("PackageVersion").GetProperty("description").GetString());
        Assert.False(properties.GetProperty("NuGetApiKey").TryGetProperty("default", out _));
        Assert.True(File.Exists(Path.Combine(root.NukeDirectory, "parameters.json")));

        root.WriteParameters("""{ "Retries": 2 }""");
        TestBuild.Run<PackBuild>("Restore", root: root);
        Assert.Equal("""{ "Retries": 2 }""", File.ReadAllText(Path.Combine(root.NukeDirectory, "parameters.json")));
    }
}
