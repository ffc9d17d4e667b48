using Nuke.Common;

namespace NukeCompat.Tests;

public class SmokeTests
{
    private sealed class Build : NukeBuild
    {
        public List<string> Log { get; } = [];

        [Parameter("A name")] readonly string? Name;

        public Target Restore => _ => _.Executes(() => Log.Add("Restore"));

        public Target Compile => _ => _
            .Description("Compiles")
            .DependsOn(Restore)
            .Executes(() => Log.Add("Compile " + Name));
    }

    [Fact]
    public void Default_target_runs_with_its_dependency()
    {
        using var root = new TestRoot();
        var result = TestBuild.Run<Build>("--name x", root: root, defaultTargets: x => x.Compile);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Restore", "Compile x"], result.Build.Log);
        Console.WriteLine(result.Output);
    }
}
