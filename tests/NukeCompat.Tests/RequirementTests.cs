using Nuke.Common;

namespace NukeCompat.Tests;

public class RequirementTests
{
    private sealed class DeployBuild : NukeBuild
    {
        public List<string> Ran { get; } = [];

        [Parameter] readonly string? ApiKey;
        [Parameter] readonly int? Port;
        [Parameter] readonly bool Confirmed;
        [Parameter] readonly bool SkipChecks;

        public Target Check => _ => _.Executes(() => Ran.Add("Check"));

        public Target Deploy => _ => _
            .DependsOn(Check)
            .Requires(() => ApiKey)
            .Requires(() => Port)
            .Requires(() => Confirmed)
            .Executes(() => Ran.Add("Deploy"));

        public Target Optional => _ => _
            .OnlyWhenStatic(() => !SkipChecks)
            .Requires(() => ApiKey)
            .Executes(() => Ran.Add("Optional"));
    }

    [Fact]
    public void Missing_requirements_fail_before_any_target_runs_and_name_every_problem()
    {
        var result = TestBuild.Run<DeployBuild>("Deploy --api-key \" \"");

        Assert.Equal(-1, result.ExitCode);
        Assert.Empty(result.Build.Ran);
        Assert.Contains("Target 'Deploy' requires member 'ApiKey' to be not null or empty", result.Output);
        Assert.Contains("Target 'Deploy' requires member 'Port' to be not null or empty", result.Output);
        Assert.Contains("Target 'Deploy' requires 'Confirmed'", result.Output);
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Check"));
        Assert.Contains("Build failed", result.Output);
    }

    [Fact]
    public void Met_requirements_let_the_target_run()
    {
        var result = TestBuild.Run<DeployBuild>("Deploy --api-key k --port 1 --confirmed");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Check", "Deploy"], result.Build.Ran);
    }

    [Fact]
    public void Requirements_of_skipped_targets_are_not_checked()
    {
        var result = TestBuild.Run<DeployBuild>("Optional --skip-checks");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Optional"));
    }

    private sealed class RequiredMemberBuild : NukeBuild
    {
        [Parameter, Required] readonly string? Environment;

        public Target Status => _ => _.Executes(() => { });
    }

    [Fact]
    public void Required_member_is_checked_for_every_run()
    {
        var missing = TestBuild.Run<RequiredMemberBuild>("Status");
        var given = TestBuild.Run<RequiredMemberBuild>("Status --environment prod");

        Assert.Equal(-1, missing.ExitCode);
        Assert.Contains("Member 'Environment' is required to be not null or empty", missing.Output);
        Assert.Equal(0, given.ExitCode);
    }
}
