using Nuke.Common;

namespace NukeCompat.Tests;

public class ContinueTests
{
    private sealed class FlakyBuild : NukeBuild
    {
        public static bool FailVerify { get; set; }
        public List<string> Ran { get; } = [];

        [Parameter] readonly string? Version;

        public Target Backup => _ => _.Executes(() => Ran.Add("Backup"));
        public Target Upgrade => _ => _.DependsOn(Backup).Executes(() => Ran.Add("Upgrade"));
        public Target Verify => _ => _.DependsOn(Upgrade).Executes(() =>
        {
            Ran.Add("Verify");
            if (FailVerify)
                throw new InvalidOperationException("unhealthy");
        });
    }

    [Fact]
    public void Continue_skips_targets_that_succeeded_in_the_same_invocation()
    {
        using var root = new TestRoot();
        FlakyBuild.FailVerify = true;
        var first = TestBuild.Run<FlakyBuild>("Verify --version 1.0", root: root);
        FlakyBuild.FailVerify = false;
        var second = TestBuild.Run<FlakyBuild>("Verify --version 1.0 --continue", root: root);

        Assert.Equal(-1, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(["Verify"], second.Build.Ran);
        Assert.Equal(ExecutionStatus.Skipped, second.StatusOf("Backup"));
        var attempt = File.ReadAllLines(Path.Combine(root.TempDirectory, "build-attempt.log"));
        Assert.Equal(32, attempt[0].Length); // MD5 of the target names and values, in hex
        Assert.Equal(["Backup", "Upgrade", "Verify"], attempt[1..]);
    }

    [Fact]
    public void Continue_with_a_changed_invocation_warns_and_starts_over()
    {
        using var root = new TestRoot();
        FlakyBuild.FailVerify = true;
        TestBuild.Run<FlakyBuild>("Verify --version 1.0", root: root);
        FlakyBuild.FailVerify = false;
        var changed = TestBuild.Run<FlakyBuild>("Verify --version 2.0 --continue", root: root);

        Assert.Equal(["Backup", "Upgrade", "Verify"], changed.Build.Ran);
        Assert.Contains("Build invocation changed. Restarting ...", changed.Output);
    }

    [Fact]
    public void Without_continue_everything_runs_again()
    {
        using var root = new TestRoot();
        TestBuild.Run<FlakyBuild>("Verify", root: root);
        var again = TestBuild.Run<FlakyBuild>("Verify", root: root);

        Assert.Equal(["Backup", "Upgrade", "Verify"], again.Build.Ran);
    }
}
