using Nuke.Common;

namespace NukeCompat.Tests;

public class CancellationTests
{
    private sealed class LongDeployBuild : NukeBuild
    {
        public InterruptSignal Interrupts { get; } = new();
        public List<string> Ran { get; } = [];
        public bool RollbackTokenWasCancelled { get; private set; } = true;

        public Target Deploy => _ => _.Executes(async cancellationToken =>
        {
            Ran.Add("Deploy started");
            Interrupts.Raise();
            await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
            Ran.Add("Deploy finished");
        });

        public Target Verify => _ => _.DependsOn(Deploy).Executes(() => Ran.Add("Verify"));

        public Target Rollback => _ => _
            .TriggeredBy(Deploy)
            .After(Verify)
            .AssuredAfterFailure()
            .OnlyWhenDynamic(() => AbortedTargets.Contains(Deploy))
            .Executes(async cancellationToken =>
            {
                RollbackTokenWasCancelled = cancellationToken.IsCancellationRequested || CancellationToken.IsCancellationRequested;
                await Task.Delay(10, cancellationToken);
                Ran.Add("Rollback");
            });
    }

    [Fact]
    public void Interrupt_aborts_the_running_target_then_runs_assured_targets_with_a_fresh_token()
    {
        var build = new LongDeployBuild();

        var result = TestBuild.Run("Verify", interrupts: build.Interrupts, create: () => build);

        Assert.NotEqual(0, result.ExitCode);
        // Deploy's 5-minute wait was cut short: it never finished.
        Assert.Equal(["Deploy started", "Rollback"], build.Ran);
        Assert.False(build.RollbackTokenWasCancelled);
        Assert.Equal(ExecutionStatus.Aborted, result.StatusOf("Deploy"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Verify"));
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Rollback"));
        Assert.Contains("Cancellation requested", result.Output);
        Assert.Matches(@"Deploy\s+Aborted", result.Output);
        Assert.Contains("Build failed on", result.Output);
    }

    private sealed class SecondInterruptBuild : NukeBuild
    {
        public InterruptSignal Interrupts { get; } = new();

        public Target Deploy => _ => _.Executes(async cancellationToken =>
        {
            Interrupts.Raise();
            await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
        });

        public Target Rollback => _ => _.TriggeredBy(Deploy).AssuredAfterFailure().Executes(async cancellationToken =>
        {
            Interrupts.Raise();
            await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
        });
    }

    [Fact]
    public void A_second_interrupt_cancels_the_assured_targets_too()
    {
        var build = new SecondInterruptBuild();

        var result = TestBuild.Run("Deploy", interrupts: build.Interrupts, create: () => build);

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(ExecutionStatus.Aborted, result.StatusOf("Deploy"));
        Assert.Equal(ExecutionStatus.Aborted, result.StatusOf("Rollback"));
        Assert.False(build.Interrupts.Raise(), "a third interrupt is left to the runtime");
    }

    private sealed class SyncTargetBuild : NukeBuild
    {
        public InterruptSignal Interrupts { get; } = new();
        public List<string> Ran { get; } = [];

        public Target First => _ => _.Executes(() =>
        {
            Interrupts.Raise();
            Ran.Add("First");
        });

        public Target Second => _ => _.DependsOn(First).Executes(() => Ran.Add("Second"));
    }

    [Fact]
    public void A_target_that_ignores_the_token_finishes_and_nothing_else_starts()
    {
        var build = new SyncTargetBuild();

        var result = TestBuild.Run("Second", interrupts: build.Interrupts, create: () => build);

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(["First"], build.Ran);
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("First"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Second"));
    }
}
