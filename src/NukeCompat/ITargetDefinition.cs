using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace Nuke.Common;

/// <summary>
/// The fluent definition a <see cref="Target"/> fills in. Every call returns the definition; list-like calls add up,
/// scalar calls overwrite.
/// </summary>
public interface ITargetDefinition
{
    /// <summary>Text shown under the target in <c>--help</c>.</summary>
    ITargetDefinition Description(string description);

    ITargetDefinition Executes(params Action[] actions);

    /// <summary>Runs the function; its result is thrown away.</summary>
    ITargetDefinition Executes<T>(Func<T> action);

    /// <summary>Runs the asynchronous action and waits for it before the next one starts.</summary>
    ITargetDefinition Executes(Func<Task> action);

    /// <summary>Like <see cref="Executes(Func{Task})"/>; the token is cancelled by Ctrl+C or SIGTERM.</summary>
    ITargetDefinition Executes(Func<CancellationToken, Task> action);

    /// <summary>The targets run before this one and are planned whenever this one is.</summary>
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition DependsOn<T>(params Func<T, Target>[] targets);
    ITargetDefinition TryDependsOn<T>(params Func<T, Target>[] targets);

    /// <summary>The given targets depend on this one.</summary>
    ITargetDefinition DependentFor(params Target[] targets);
    ITargetDefinition DependentFor<T>(params Func<T, Target>[] targets);
    ITargetDefinition TryDependentFor<T>(params Func<T, Target>[] targets);

    /// <summary>Ordering only: when both are planned, the given targets run first.</summary>
    ITargetDefinition After(params Target[] targets);
    ITargetDefinition After<T>(params Func<T, Target>[] targets);
    ITargetDefinition TryAfter<T>(params Func<T, Target>[] targets);

    /// <summary>Ordering only: when both are planned, this target runs first.</summary>
    ITargetDefinition Before(params Target[] targets);
    ITargetDefinition Before<T>(params Func<T, Target>[] targets);
    ITargetDefinition TryBefore<T>(params Func<T, Target>[] targets);

    /// <summary>Planning this target also plans the given targets, which run after it.</summary>
    ITargetDefinition Triggers(params Target[] targets);
    ITargetDefinition Triggers<T>(params Func<T, Target>[] targets);
    ITargetDefinition TryTriggers<T>(params Func<T, Target>[] targets);

    /// <summary>Planning any of the given targets also plans this one, after them.</summary>
    ITargetDefinition TriggeredBy(params Target[] targets);
    ITargetDefinition TriggeredBy<T>(params Func<T, Target>[] targets);
    ITargetDefinition TryTriggeredBy<T>(params Func<T, Target>[] targets);

    /// <summary>Checked once before any target runs; the expression text is printed as the skip reason.</summary>
    ITargetDefinition OnlyWhenStatic(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string? conditionExpression = null);

    /// <summary>Checked right before the target runs, so it can read the results of earlier targets.</summary>
    ITargetDefinition OnlyWhenDynamic(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string? conditionExpression = null);

    ITargetDefinition WhenSkipped(DependencyBehavior dependencyBehavior);

    /// <summary>A failure of this target is recorded but the plan continues.</summary>
    ITargetDefinition ProceedAfterFailure();

    /// <summary>Still runs after another target failed or the build was cancelled, if it is planned.</summary>
    ITargetDefinition AssuredAfterFailure();

    /// <summary>The member must be non-null (strings: not empty) before the first target runs.</summary>
    ITargetDefinition Requires<T>(params Expression<Func<T?>>[] parameterRequirement) where T : class;
    ITargetDefinition Requires<T>(params Expression<Func<T?>>[] parameterRequirement) where T : struct;

    /// <summary>The expression must be true before the first target runs.</summary>
    ITargetDefinition Requires(Expression<Func<bool>> requirement, [CallerArgumentExpression(nameof(requirement))] string? requirementExpression = null);
    ITargetDefinition Requires(params Expression<Func<bool>>[] requirement);

    /// <summary>Hides the target from <c>--help</c>; it can still be invoked.</summary>
    ITargetDefinition Unlisted();

    /// <summary>Applies other targets' definitions to this one, then lets the caller add more.</summary>
    ITargetDefinition Inherit(params Target[] targets);
}
