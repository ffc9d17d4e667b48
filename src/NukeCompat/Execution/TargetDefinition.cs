using System.Linq.Expressions;
using System.Reflection;

namespace Nuke.Common.Execution;

/// <summary>Records what a target's factory declares. Nothing runs here; the discovery links the records afterwards.</summary>
internal sealed class TargetDefinition(NukeBuild build, string targetName) : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public bool IsListed { get; private set; } = true;
    public bool ProceedsAfterFailure { get; private set; }
    public bool IsAssuredAfterFailure { get; private set; }
    public DependencyBehavior SkipBehavior { get; private set; }
    public List<Func<CancellationToken, Task>> Actions { get; } = [];
    public List<TargetCondition> StaticConditions { get; } = [];
    public List<TargetCondition> DynamicConditions { get; } = [];
    public List<TargetRequirement> Requirements { get; } = [];
    public List<Target> DependsOnTargets { get; } = [];
    public List<Target> DependentForTargets { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Target> TriggersTargets { get; } = [];
    public List<Target> TriggeredByTargets { get; } = [];

    public ITargetDefinition Description(string description)
    {
        DescriptionText = description;
        return this;
    }

    public ITargetDefinition Executes(params Action[] actions)
    {
        foreach (var action in actions)
            Actions.Add(_ => { action(); return Task.CompletedTask; });
        return this;
    }

    public ITargetDefinition Executes<T>(Func<T> action)
    {
        Actions.Add(async _ =>
        {
            // A Func<ValueTask> or similar still gets awaited rather than silently dropped.
            switch (action())
            {
                case Task task: await task; break;
                case ValueTask valueTask: await valueTask; break;
            }
        });
        return this;
    }

    public ITargetDefinition Executes(Func<Task> action)
    {
        Actions.Add(_ => action());
        return this;
    }

    public ITargetDefinition Executes(Func<CancellationToken, Task> action)
    {
        Actions.Add(action);
        return this;
    }

    public ITargetDefinition DependsOn(params Target[] targets) => Add(DependsOnTargets, targets);
    public ITargetDefinition DependsOn<T>(params Func<T, Target>[] targets) => Add(DependsOnTargets, targets, loose: false);
    public ITargetDefinition TryDependsOn<T>(params Func<T, Target>[] targets) => Add(DependsOnTargets, targets, loose: true);

    public ITargetDefinition DependentFor(params Target[] targets) => Add(DependentForTargets, targets);
    public ITargetDefinition DependentFor<T>(params Func<T, Target>[] targets) => Add(DependentForTargets, targets, loose: false);
    public ITargetDefinition TryDependentFor<T>(params Func<T, Target>[] targets) => Add(DependentForTargets, targets, loose: true);

    public ITargetDefinition After(params Target[] targets) => Add(AfterTargets, targets);
    public ITargetDefinition After<T>(params Func<T, Target>[] targets) => Add(AfterTargets, targets, loose: false);
    public ITargetDefinition TryAfter<T>(params Func<T, Target>[] targets) => Add(AfterTargets, targets, loose: true);

    public ITargetDefinition Before(params Target[] targets) => Add(BeforeTargets, targets);
    public ITargetDefinition Before<T>(params Func<T, Target>[] targets) => Add(BeforeTargets, targets, loose: false);
    public ITargetDefinition TryBefore<T>(params Func<T, Target>[] targets) => Add(BeforeTargets, targets, loose: true);

    public ITargetDefinition Triggers(params Target[] targets) => Add(TriggersTargets, targets);
    public ITargetDefinition Triggers<T>(params Func<T, Target>[] targets) => Add(TriggersTargets, targets, loose: false);
    public ITargetDefinition TryTriggers<T>(params Func<T, Target>[] targets) => Add(TriggersTargets, targets, loose: true);

    public ITargetDefinition TriggeredBy(params Target[] targets) => Add(TriggeredByTargets, targets);
    public ITargetDefinition TriggeredBy<T>(params Func<T, Target>[] targets) => Add(TriggeredByTargets, targets, loose: false);
    public ITargetDefinition TryTriggeredBy<T>(params Func<T, Target>[] targets) => Add(TriggeredByTargets, targets, loose: true);

    public ITargetDefinition OnlyWhenStatic(Func<bool> condition, string? conditionExpression = null)
    {
        StaticConditions.Add(new TargetCondition(TargetCondition.CleanText(conditionExpression), condition));
        return this;
    }

    public ITargetDefinition OnlyWhenDynamic(Func<bool> condition, string? conditionExpression = null)
    {
        DynamicConditions.Add(new TargetCondition(TargetCondition.CleanText(conditionExpression), condition));
        return this;
    }

    public ITargetDefinition WhenSkipped(DependencyBehavior dependencyBehavior)
    {
        SkipBehavior = dependencyBehavior;
        return this;
    }

    public ITargetDefinition ProceedAfterFailure()
    {
        ProceedsAfterFailure = true;
        return this;
    }

    public ITargetDefinition AssuredAfterFailure()
    {
        IsAssuredAfterFailure = true;
        return this;
    }

    public ITargetDefinition Requires<T>(params Expression<Func<T?>>[] parameterRequirement) where T : class
    {
        Requirements.AddRange(parameterRequirement.Select(TargetRequirement.ForMember));
        return this;
    }

    public ITargetDefinition Requires<T>(params Expression<Func<T?>>[] parameterRequirement) where T : struct
    {
        Requirements.AddRange(parameterRequirement.Select(TargetRequirement.ForMember));
        return this;
    }

    public ITargetDefinition Requires(Expression<Func<bool>> requirement, string? requirementExpression = null)
    {
        Requirements.Add(TargetRequirement.ForCondition(requirement, requirementExpression));
        return this;
    }

    public ITargetDefinition Requires(params Expression<Func<bool>>[] requirement)
    {
        Requirements.AddRange(requirement.Select(x => TargetRequirement.ForCondition(x, text: null)));
        return this;
    }

    public ITargetDefinition Unlisted()
    {
        IsListed = false;
        return this;
    }

    public ITargetDefinition Inherit(params Target[] targets)
    {
        foreach (var target in targets)
            target(this);
        return this;
    }

    private TargetDefinition Add(List<Target> list, Target[] targets)
    {
        list.AddRange(targets);
        return this;
    }

    private TargetDefinition Add<T>(List<Target> list, Func<T, Target>[] selectors, bool loose)
    {
        if (build is not T component)
        {
            if (loose)
                return this;
            throw new BuildConfigurationException(
                $"Target '{targetName}' refers to component '{typeof(T).Name}', which '{build.GetType().Name}' does not implement");
        }

        if (selectors.Length == 0)
            list.Add(SingleTargetOf(component));
        else
            list.AddRange(selectors.Select(select => select(component)));
        return this;
    }

    /// <summary>The shorthand <c>DependsOn&lt;ICompile&gt;()</c> picks the component's one and only target.</summary>
    private Target SingleTargetOf<T>(T component)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(x => x.PropertyType == typeof(Target))
            .ToList();
        var prefix = $"Target '{targetName}' cannot have shorthand dependency on component '{typeof(T).Name}'.";
        return properties.Count switch
        {
            0 => throw new BuildConfigurationException($"{prefix} No relevant targets."),
            > 1 => throw new BuildConfigurationException(
                $"{prefix} Too many relevant targets:{Environment.NewLine}" +
                string.Join(Environment.NewLine, properties.Select(x => $"  - {x.Name}"))),
            _ => (Target)properties[0].GetValue(component)!,
        };
    }
}
