using System.Diagnostics;
using Nuke.Common.Execution;

namespace Nuke.Common;

/// <summary>A discovered target with its relations, conditions and run-time state.</summary>
public sealed class ExecutableTarget
{
    internal ExecutableTarget(string name, Target factory)
    {
        Name = name;
        Factory = factory;
    }

    public string Name { get; }

    /// <summary>The property's delegate; the target's identity.</summary>
    public Target Factory { get; }

    public string? Description { get; internal set; }
    public bool Listed { get; internal set; } = true;
    public bool IsDefault { get; internal set; }
    public bool Invoked { get; internal set; }
    public ExecutionStatus Status { get; internal set; }
    public bool ProceedAfterFailure { get; internal set; }
    public bool AssuredAfterFailure { get; internal set; }
    public DependencyBehavior DependencyBehavior { get; internal set; }
    public TimeSpan Duration => Stopwatch.Elapsed;

    /// <summary>Shown after the target's line in the summary table, e.g. <c>// Skipped: via parameter</c>.</summary>
    public IReadOnlyDictionary<string, string> SummaryInformation => Summary;

    /// <summary>Must run before this target and pull it into the plan (DependsOn, reverse DependentFor).</summary>
    public IReadOnlyList<ExecutableTarget> ExecutionDependencies => ExecutionDependencyList;

    /// <summary>Run before this target when both are planned (After, reverse Before).</summary>
    public IReadOnlyList<ExecutableTarget> OrderDependencies => OrderDependencyList;

    /// <summary>Targets that trigger this one (TriggeredBy, reverse Triggers).</summary>
    public IReadOnlyList<ExecutableTarget> TriggerDependencies => TriggerDependencyList;

    /// <summary>Targets this one triggers (Triggers, reverse TriggeredBy).</summary>
    public IReadOnlyList<ExecutableTarget> Triggers => TriggerList;

    internal Dictionary<string, string> Summary { get; } = new();
    internal List<ExecutableTarget> ExecutionDependencyList { get; } = [];
    internal List<ExecutableTarget> OrderDependencyList { get; } = [];
    internal List<ExecutableTarget> TriggerDependencyList { get; } = [];
    internal List<ExecutableTarget> TriggerList { get; } = [];
    internal List<Func<CancellationToken, Task>> Actions { get; } = [];
    internal List<TargetCondition> StaticConditions { get; } = [];
    internal List<TargetCondition> DynamicConditions { get; } = [];
    internal List<TargetRequirement> Requirements { get; } = [];
    internal Stopwatch Stopwatch { get; } = new();

    public override string ToString() => Name;
}
