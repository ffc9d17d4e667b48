using Nuke.Common;

namespace NukeCompat.Tests;

public interface ICompileComponent
{
    List<string> Ran { get; }

    Target Compile => _ => _.Executes(() => Ran.Add("Compile"));
}

public interface IPackComponent : ICompileComponent
{
    Target Pack => _ => _.DependsOn<ICompileComponent>().Executes(() => Ran.Add("Pack"));
}

public interface IPublishComponent
{
    Target Publish => _ => _.Executes(() => { });
}

public interface IOtherPublishComponent
{
    Target Publish => _ => _.Executes(() => { });
}

public interface INotImplemented
{
    Target Missing => _ => _;
}

public class DiscoveryTests
{
    private sealed class ComponentBuild : NukeBuild, IPackComponent
    {
        public List<string> Ran { get; } = [];

        Target ICompileComponent.Compile => _ => _.Executes(() => Ran.Add("Compile (customised)"));

        private Target Release => _ => _
            .DependsOn<IPackComponent>(x => x.Pack)
            .TryDependsOn<INotImplemented>(x => x.Missing)
            .Executes(() => Ran.Add("Release"));
    }

    [Fact]
    public void Targets_come_from_the_class_private_members_and_interface_defaults_and_explicit_implementations_replace_them()
    {
        var result = TestBuild.Run<ComponentBuild>("Release");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Compile (customised)", "Pack", "Release"], result.Build.Ran);
    }

    private sealed class AmbiguousBuild : NukeBuild, IPublishComponent, IOtherPublishComponent;

    [Fact]
    public void Same_target_from_two_interfaces_must_be_implemented_explicitly()
    {
        var result = TestBuild.Run<AmbiguousBuild>("Publish");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("Target 'Publish' must be implemented explicitly because it is inherited from multiple interfaces:", result.Output);
        Assert.Contains("  - IPublishComponent", result.Output);
        Assert.Contains("  - IOtherPublishComponent", result.Output);
    }

    private abstract class BaseBuild : NukeBuild
    {
        public static int FactoryCalls;

        public Target Shared => _ =>
        {
            FactoryCalls++;
            return _.Executes(() => { });
        };

        public virtual Target Overridable => _ => _.Executes(() => throw new Exception("base"));
    }

    private sealed class DerivedBuild : BaseBuild
    {
        public override Target Overridable => _ => _.DependsOn(Shared).Executes(() => { });
    }

    [Fact]
    public void Base_class_targets_are_found_overrides_win_and_each_factory_runs_once()
    {
        BaseBuild.FactoryCalls = 0;

        var result = TestBuild.Run<DerivedBuild>("Overridable");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Shared", "Overridable"], result.Executed);
        Assert.Equal(1, BaseBuild.FactoryCalls);
    }

    private sealed class AsyncBuild : NukeBuild
    {
        public List<string> Ran { get; } = [];

        public Target First => _ => _
            .Executes(async () =>
            {
                await Task.Delay(50);
                Ran.Add("first async");
            })
            .Executes(() => Ran.Add("first sync"));

        public Target Second => _ => _.DependsOn(First).Executes(() =>
        {
            Ran.Add("second");
            return Ran.Count;
        });
    }

    [Fact]
    public void Async_actions_are_awaited_before_the_next_action_and_target()
    {
        var result = TestBuild.Run<AsyncBuild>("Second");

        Assert.Equal(["first async", "first sync", "second"], result.Build.Ran);
    }

    private sealed class DefinitionBuild : NukeBuild
    {
        public Target Documented => _ => _.Description("first").Description("Second wins").Executes(() => { });
    }

    [Fact]
    public void Scalar_definition_calls_overwrite()
    {
        var result = TestBuild.Run<DefinitionBuild>("--help");

        Assert.Contains("    Second wins.", result.Output);
        Assert.DoesNotContain("first", result.Output);
    }
}
