using Nuke.Common;

namespace NukeCompat.Tests;

public class SkipTests
{
    private sealed class PublishBuild : NukeBuild
    {
        public bool PublishAllowed { get; init; } = true;

        public Target Restore => _ => _.Executes(() => { });
        public Target Compile => _ => _.DependsOn(Restore).Executes(() => { });
        public Target Pack => _ => _.DependsOn(Compile).Executes(() => { });
        public Target Publish => _ => _
            .DependsOn(Pack)
            .OnlyWhenStatic(() => PublishAllowed)
            .Executes(() => { });
        public Target Announce => _ => _.TriggeredBy(Publish).Executes(() => { });
    }

    [Fact]
    public void Static_condition_skips_the_target_and_cascades_to_dependencies_and_triggers()
    {
        var result = TestBuild.Run<PublishBuild>(create: () => new PublishBuild { PublishAllowed = false }, defaultTargets: x => x.Publish);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Executed);
        Assert.All(result.Plan, name => Assert.Equal(ExecutionStatus.Skipped, result.StatusOf(name)));
        Assert.EndsWith("// OnlyWhen: PublishAllowed", result.SummaryLine("Publish").TrimEnd());
        Assert.EndsWith("// Skipped: because of Publish", result.SummaryLine("Pack").TrimEnd());
        Assert.EndsWith("// Skipped: because of Pack", result.SummaryLine("Compile").TrimEnd());
        Assert.EndsWith("// Skipped: because of Publish", result.SummaryLine("Announce").TrimEnd());
    }

    [Fact]
    public void Invoked_target_with_violated_static_condition_is_skipped_and_still_cascades()
    {
        var result = TestBuild.Run<PublishBuild>("Publish", create: () => new PublishBuild { PublishAllowed = false });

        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Publish"));
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Pack"));
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void Skip_without_values_skips_everything_not_invoked()
    {
        var result = TestBuild.Run<PublishBuild>("Pack --skip");

        Assert.Equal(["Pack"], result.Executed);
        Assert.EndsWith("// Skipped: via parameter", result.SummaryLine("Compile").TrimEnd());
    }

    [Fact]
    public void Skip_without_values_and_without_targets_skips_the_default_target_too()
    {
        var result = TestBuild.Run<PublishBuild>("--skip", defaultTargets: x => x.Pack);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void Skip_with_names_skips_those_targets_and_what_only_they_need()
    {
        var result = TestBuild.Run<PublishBuild>("Pack --skip compile");

        Assert.Equal(["Pack"], result.Executed);
        Assert.EndsWith("// Skipped: via parameter", result.SummaryLine("Compile").TrimEnd());
        Assert.EndsWith("// Skipped: because of Compile", result.SummaryLine("Restore").TrimEnd());
    }

    [Fact]
    public void Skip_never_skips_an_invoked_target()
    {
        var result = TestBuild.Run<PublishBuild>("Compile --skip Compile+Restore");

        Assert.Equal(["Compile"], result.Executed);
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Restore"));
    }

    // NUKE (BuildExecutor.MarkTargetSkipped) returns at once for an invoked target: it is neither skipped nor cascaded
    // from, so naming it in --skip changes nothing.
    [Fact]
    public void Skip_naming_only_the_invoked_target_changes_nothing_so_its_dependencies_run()
    {
        var result = TestBuild.Run<PublishBuild>("Pack --skip Pack");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Restore", "Compile", "Pack"], result.Executed);
        Assert.DoesNotContain("// Skipped", result.Output);
    }

    // NUKE (BuildExecutor.Execute) only filters the plan by the --skip names (ExecutionPlan.Where(... skippedTargets
    // .Contains(x.Name, OrdinalIgnoreCase))); a name that matches no target is never resolved, so nothing reports it.
    [Fact]
    public void Unknown_names_in_skip_are_ignored_without_a_message()
    {
        var result = TestBuild.Run<PublishBuild>("Pack --skip Nonexistent compile");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Pack"], result.Executed);
        Assert.EndsWith("// Skipped: via parameter", result.SummaryLine("Compile").TrimEnd());
        Assert.DoesNotContain("Nonexistent", result.Output);
        Assert.StartsWith("Build succeeded", result.Output.Split('\n').Last(x => x.Length > 0));
    }

    private sealed class SharedDependencyBuild : NukeBuild
    {
        public Target Restore => _ => _.Executes(() => { });
        public Target Test => _ => _.DependsOn(Restore).Executes(() => { });
        public Target Compile => _ => _.DependsOn(Restore).Executes(() => { });
        public Target All => _ => _.DependsOn(Test, Compile);
    }

    [Fact]
    public void Cascade_keeps_a_dependency_another_scheduled_target_still_needs()
    {
        var result = TestBuild.Run<SharedDependencyBuild>("All --skip Test");

        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Test"));
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Restore"));
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Compile"));
        Assert.Equal(ExecutionStatus.Collective, result.StatusOf("All"));
    }

    private sealed class ExecuteWhenSkippedBuild : NukeBuild
    {
        public Target Restore => _ => _.Executes(() => { });
        public Target Compile => _ => _
            .DependsOn(Restore)
            .OnlyWhenStatic(() => false)
            .WhenSkipped(DependencyBehavior.Execute)
            .Executes(() => { });
    }

    [Fact]
    public void WhenSkipped_Execute_still_runs_the_dependencies()
    {
        var result = TestBuild.Run<ExecuteWhenSkippedBuild>(defaultTargets: x => x.Compile);

        Assert.Equal(["Restore"], result.Executed);
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Compile"));
        Assert.EndsWith("// OnlyWhen: false", result.SummaryLine("Compile").TrimEnd());
    }

    private sealed class DynamicBuild : NukeBuild
    {
        public bool PackProducedSomething { get; set; }

        public Target Pack => _ => _.Executes(() => { });
        public Target Push => _ => _
            .DependsOn(Pack)
            .OnlyWhenDynamic(() => PackProducedSomething)
            .Triggers(Announce)
            .Executes(() => { });
        public Target Announce => _ => _.Executes(() => { });
    }

    [Fact]
    public void Dynamic_condition_is_read_after_dependencies_ran_and_skips_the_triggers()
    {
        var result = TestBuild.Run<DynamicBuild>("Push");

        Assert.Equal(["Pack"], result.Executed);
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Push"));
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Announce"));
        Assert.EndsWith("// OnlyWhen: PackProducedSomething", result.SummaryLine("Push").TrimEnd());
    }
}
