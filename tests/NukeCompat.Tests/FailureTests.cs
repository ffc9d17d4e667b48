using Nuke.Common;
using Nuke.Common.Utilities.Collections;

namespace NukeCompat.Tests;

public class FailureTests
{
    private sealed class PipelineBuild : NukeBuild
    {
        public List<string> Ran { get; } = [];

        public Target Compile => _ => _.Executes(() => Ran.Add("Compile"));
        public Target Test => _ => _
            .DependsOn(Compile)
            .Executes(() => throw new InvalidOperationException("3 tests failed\nsee the report"));
        public Target Pack => _ => _.DependsOn(Test).Executes(() => Ran.Add("Pack"));
        public Target Cleanup => _ => _.TriggeredBy(Compile).After(Pack).AssuredAfterFailure().Executes(() => Ran.Add("Cleanup"));
        public Target Unrelated => _ => _.TriggeredBy(Compile).After(Pack).Executes(() => Ran.Add("Unrelated"));
    }

    [Fact]
    public void Failure_stops_the_plan_but_assured_targets_still_run()
    {
        var result = TestBuild.Run<PipelineBuild>("Pack");

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(["Compile", "Cleanup"], result.Build.Ran);
        Assert.Equal(ExecutionStatus.Failed, result.StatusOf("Test"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Pack"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Unrelated"));
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Cleanup"));
        Assert.EndsWith("// InvalidOperationException: 3 tests failed", result.SummaryLine("Test").TrimEnd());
        Assert.Contains("[ERR] Target Test has thrown an exception", result.Output);
        Assert.Contains("Build failed on", result.Output);
    }

    private sealed class ProceedBuild : NukeBuild
    {
        public List<string> Ran { get; } = [];

        public Target Lint => _ => _.ProceedAfterFailure().Executes(() => throw new Exception("style"));
        public Target Compile => _ => _.DependsOn(Lint).Executes(() => Ran.Add("Compile"));
    }

    [Fact]
    public void Proceed_after_failure_keeps_going_but_the_build_still_fails()
    {
        var result = TestBuild.Run<ProceedBuild>("Compile");

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(["Compile"], result.Build.Ran);
        Assert.Equal(ExecutionStatus.Failed, result.StatusOf("Lint"));
        Assert.True(result.Build.IsFailing);
    }

    private sealed class RollbackBuild : NukeBuild
    {
        public bool DeployFails { get; init; }
        public List<string> Ran { get; } = [];

        public Target Deploy => _ => _.Executes(() =>
        {
            Ran.Add("Deploy");
            if (DeployFails)
                throw new InvalidOperationException("migration failed");
        });

        public Target Rollback => _ => _
            .TriggeredBy(Deploy)
            .AssuredAfterFailure()
            .OnlyWhenDynamic(() => FailedTargets.Contains(Deploy))
            .Executes(() => Ran.Add("Rollback"));
    }

    [Fact]
    public void Rollback_runs_when_deploy_fails_and_the_build_still_fails()
    {
        var result = TestBuild.Run<RollbackBuild>("Deploy", create: () => new RollbackBuild { DeployFails = true });

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(["Deploy", "Rollback"], result.Build.Ran);
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Rollback"));
    }

    [Fact]
    public void Rollback_is_skipped_with_its_condition_when_deploy_succeeds()
    {
        var result = TestBuild.Run<RollbackBuild>("Deploy");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Deploy"], result.Build.Ran);
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Rollback"));
        Assert.EndsWith("// OnlyWhen: FailedTargets.Contains(Deploy)", result.SummaryLine("Rollback").TrimEnd());
    }

    [Fact]
    public void Rollback_is_skipped_because_of_a_skipped_deploy()
    {
        var result = TestBuild.Run<RollbackBuild>("Deploy --skip", defaultTargets: x => x.Deploy);

        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Deploy"));

        var skipped = TestBuild.Run<RollbackBuild>("--skip Deploy", defaultTargets: x => x.Deploy);
        Assert.Equal(ExecutionStatus.Skipped, skipped.StatusOf("Deploy"));
        Assert.EndsWith("// Skipped: because of Deploy", skipped.SummaryLine("Rollback").TrimEnd());
    }

    private sealed class ExitCodeBuild : NukeBuild
    {
        public Target Check => _ => _.Executes(() => ExitCode = 3);
    }

    [Fact]
    public void Exit_code_set_by_the_build_wins()
    {
        Assert.Equal(3, TestBuild.Run<ExitCodeBuild>("Check").ExitCode);
    }

    // NUKE (source/Nuke.Build/Execution/BuildExecutor.cs, CheckConditions) logs "Invocation of condition for
    // {TargetName} has thrown an exception" and throws TargetExecutionException without touching the target's status.
    // So the target stays Scheduled and BuildManager.Execute's Finish turns it into NotRun (it never fired
    // OnTargetFailed and is not in FailedTargets), ProceedAfterFailure does not apply, and only a throw from a
    // dynamic condition happens inside Execute's try, whose catch runs the assured targets (ExecuteAssuredTargets).
    private sealed class ConditionThrowsBuild : NukeBuild
    {
        public List<string> Ran { get; } = [];
        public bool ThrowStatically { get; init; }
        public bool SecondProceedsAfterFailure { get; init; }

        public Target First => _ => _.Executes(() => Ran.Add("First"));
        public Target Second => _ =>
        {
            var definition = _.DependsOn(First).Executes(() => Ran.Add("Second"));
            if (SecondProceedsAfterFailure)
                definition.ProceedAfterFailure();
            return ThrowStatically
                ? definition.OnlyWhenStatic(() => throw new InvalidOperationException("cannot decide"))
                : definition.OnlyWhenDynamic(() => throw new InvalidOperationException("cannot decide"));
        };
        public Target Third => _ => _.DependsOn(Second).Executes(() => Ran.Add("Third"));
        public Target Always => _ => _.TriggeredBy(First).After(Third).AssuredAfterFailure().Executes(() => Ran.Add("Always"));
    }

    [Fact]
    public void A_throwing_dynamic_condition_ends_the_build_with_the_target_NotRun_and_assured_targets_still_run()
    {
        var result = TestBuild.Run<ConditionThrowsBuild>("Third");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Invocation of condition for Second has thrown an exception", result.Output);
        Assert.Equal(["First", "Always"], result.Build.Ran);
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Second"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Third"));
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Always"));
        Assert.Empty(result.Build.FailedTargets);
        Assert.StartsWith("Build failed", result.Output.Split('\n').Last(x => x.Length > 0));
    }

    [Fact]
    public void A_throwing_dynamic_condition_ends_the_build_even_when_the_target_proceeds_after_failure()
    {
        var result = TestBuild.Run<ConditionThrowsBuild>("Third", create: () => new ConditionThrowsBuild { SecondProceedsAfterFailure = true });

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(["First", "Always"], result.Build.Ran);
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Second"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Third"));
    }

    [Fact]
    public void A_throwing_static_condition_ends_the_build_before_any_target_and_assured_targets_do_not_run()
    {
        var result = TestBuild.Run<ConditionThrowsBuild>("Third", create: () => new ConditionThrowsBuild { ThrowStatically = true });

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Invocation of condition for Second has thrown an exception", result.Output);
        Assert.Empty(result.Build.Ran);
        Assert.All(result.Plan, name => Assert.Equal(ExecutionStatus.NotRun, result.StatusOf(name)));
    }

    private sealed class SummaryBuild : NukeBuild
    {
        public Target Pack => _ => _.Executes(() => ReportSummary(x => x.AddPair("Packages", "4").AddPair("Version", "1.2.3")));
    }

    [Fact]
    public void Running_target_can_add_summary_pairs()
    {
        var result = TestBuild.Run<SummaryBuild>("Pack");

        Assert.EndsWith("   // Packages: 4, Version: 1.2.3", result.SummaryLine("Pack").TrimEnd());
    }

    private sealed class HookBuild : NukeBuild
    {
        public List<string> Events { get; } = [];

        public Target Ok => _ => _.Executes(() => { });
        public Target Bad => _ => _.DependsOn(Ok).Executes(() => throw new Exception("x"));
        public Target Never => _ => _.OnlyWhenStatic(() => false).Executes(() => { });

        protected internal override void OnBuildCreated() => Events.Add("created");
        protected internal override void OnBuildInitialized() => Events.Add("initialized");
        protected internal override void OnTargetRunning(string target) => Events.Add("running " + target);
        protected internal override void OnTargetSucceeded(string target) => Events.Add("succeeded " + target);
        protected internal override void OnTargetFailed(string target) => Events.Add("failed " + target);
        protected internal override void OnTargetSkipped(string target) => Events.Add("skipped " + target);
        protected internal override void OnBuildFinished() => Events.Add("finished " + (IsSucceeding ? "ok" : "failing"));
    }

    [Fact]
    public void Hooks_fire_in_order()
    {
        var result = TestBuild.Run<HookBuild>("Never Bad");

        Assert.Equal(
            ["created", "initialized", "skipped Never", "running Ok", "succeeded Ok", "running Bad", "failed Bad", "finished failing"],
            result.Build.Events);
    }
}
