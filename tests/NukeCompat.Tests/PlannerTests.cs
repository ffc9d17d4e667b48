using Nuke.Common;

namespace NukeCompat.Tests;

public class PlannerTests
{
    private sealed class DependencyBuild : NukeBuild
    {
        public List<string> Ran { get; } = [];

        public Target A => _ => _.DependsOn(B).Executes(() => Ran.Add("A"));
        public Target B => _ => _.Triggers(C).Executes(() => Ran.Add("B"));
        public Target C => _ => _.After(A).Executes(() => Ran.Add("C"));
    }

    [Fact]
    public void Trigger_and_ordering_example_runs_B_A_C()
    {
        var result = TestBuild.Run<DependencyBuild>("A");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["B", "A", "C"], result.Build.Ran);
    }

    private sealed class CompileBuild : NukeBuild
    {
        public Target Clean => _ => _.Before(Restore).Executes(() => { });
        public Target Restore => _ => _.Executes(() => { });
        public Target Compile => _ => _.DependsOn(Restore).Executes(() => { });
    }

    [Fact]
    public void Before_orders_an_invoked_target_without_pulling_it_in()
    {
        Assert.Equal(["Clean", "Restore", "Compile"], TestBuild.Run<CompileBuild>("Clean Compile").Plan);
        Assert.Equal(["Restore", "Compile"], TestBuild.Run<CompileBuild>(defaultTargets: x => x.Compile).Plan);
    }

    [Fact]
    public void Unrelated_invoked_targets_run_in_reverse_declaration_order()
    {
        Assert.Equal(["Unused", "Licenses", "Pack"], TestBuild.Run<DependentForBuild>("Pack Unused").Plan);
    }

    [Fact]
    public void Plus_joined_and_dashed_names_resolve_case_insensitively()
    {
        Assert.Equal(["Clean", "Restore", "Compile"], TestBuild.Run<CompileBuild>("clean+COM-PILE").Plan);
    }

    [Fact]
    public void Target_option_overrides_positional_targets()
    {
        var result = TestBuild.Run<CompileBuild>("Clean --target restore");

        Assert.Equal(["Restore"], result.Plan);
        Assert.True(result.Build.InvokedTargets.Contains("Restore"));
        Assert.False(result.Build.InvokedTargets.Contains("Clean"));
    }

    [Fact]
    public void Positional_targets_end_at_the_first_option()
    {
        var result = TestBuild.Run<CompileBuild>("--no-logo Clean");

        // 'Clean' became a value of --no-logo, so the (missing) default plan applies: nothing to run, help is shown.
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Targets (with their direct dependencies):", result.Output);
    }

    [Fact]
    public void Target_from_environment_variable_is_used_when_the_command_line_names_none()
    {
        var result = TestBuild.Run<CompileBuild>(environment: new() { ["NUKE_TARGET"] = "Clean" }, defaultTargets: x => x.Compile);

        Assert.Equal(["Clean"], result.Plan);
    }

    [Fact]
    public void Target_from_parameters_file_is_used_when_nothing_else_names_one()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Target": ["Restore"] }""");

        Assert.Equal(["Restore"], TestBuild.Run<CompileBuild>(root: root, defaultTargets: x => x.Compile).Plan);
    }

    [Fact]
    public void A_target_from_the_parameters_file_is_a_real_run_with_its_log_and_one_that_cannot_be_read_is_reported_not_thrown()
    {
        using var root = new TestRoot();
        root.WriteParameters("""{ "Target": ["Restore"] }""");

        Assert.Equal(["Restore"], TestBuild.Run<CompileBuild>(root: root).Plan);
        Assert.True(File.Exists(Path.Combine(root.TempDirectory, "build.log")), "a run of a target named in parameters.json keeps its log");

        root.WriteParameters("""{ "Target": { "not": "a list" } }""");
        var unreadable = TestBuild.Run<CompileBuild>(root: root);

        Assert.Equal(-1, unreadable.ExitCode);
        Assert.Contains("Resolving parameter 'Target' failed", unreadable.Output);
    }

    [Fact]
    public void Unknown_target_lists_available_targets_sorted_and_exits_minus_one()
    {
        var result = TestBuild.Run<CompileBuild>("Deploy-All");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Target with name 'DeployAll' does not exist. Available targets are:\n  - Clean\n  - Compile\n  - Restore", result.Output);
        Assert.DoesNotContain("Total", result.Output);
    }

    private sealed class CycleBuild : NukeBuild
    {
        public Target A => _ => _.DependsOn(B).Executes(() => { });
        public Target B => _ => _.After(C).Executes(() => { });
        public Target C => _ => _.TriggeredBy(A).Executes(() => { });
        public Target D => _ => _.Executes(() => { });
    }

    [Fact]
    public void Cycles_through_order_and_trigger_edges_are_reported_even_for_unplanned_targets()
    {
        var result = TestBuild.Run<CycleBuild>("D");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Circular dependencies between targets:\n - A, B, C", result.Output);
    }

    private sealed class SelfBuild : NukeBuild
    {
        public Target A => _ => _.DependsOn(A).Executes(() => { });
    }

    [Fact]
    public void A_target_depending_on_itself_is_an_error()
    {
        var result = TestBuild.Run<SelfBuild>("A");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Target 'A' cannot have a dependency on itself", result.Output);
    }

    private sealed class DependentForBuild : NukeBuild
    {
        public Target Pack => _ => _.Executes(() => { });
        public Target Licenses => _ => _.DependentFor(Pack).Executes(() => { });
        public Target Unused => _ => _.Executes(() => { });
    }

    [Fact]
    public void DependentFor_pulls_the_target_in_before_its_dependent()
    {
        Assert.Equal(["Licenses", "Pack"], TestBuild.Run<DependentForBuild>("Pack").Plan);
    }

    [Fact]
    public void Empty_plan_prints_help_and_exits_zero()
    {
        var result = TestBuild.Run<DependentForBuild>();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Targets (with their direct dependencies):", result.Output);
        Assert.DoesNotContain("Build succeeded", result.Output);
    }

    private sealed class TriggerChainBuild : NukeBuild
    {
        public Target Deploy => _ => _.Executes(() => { });
        public Target Notify => _ => _.TriggeredBy(Deploy).Executes(() => { });
        public Target Archive => _ => _.TriggeredBy(Notify).Executes(() => { });
    }

    [Fact]
    public void Triggers_are_planned_transitively_after_their_trigger()
    {
        var result = TestBuild.Run<TriggerChainBuild>("Deploy");

        Assert.Equal(["Deploy", "Notify", "Archive"], result.Plan);
        Assert.Equal(["Deploy", "Notify", "Archive"], result.Executed);
        Assert.True(result.Build.InvokedTargets.Contains("Deploy"));
        Assert.False(result.Build.InvokedTargets.Contains("Notify"));
    }
}
