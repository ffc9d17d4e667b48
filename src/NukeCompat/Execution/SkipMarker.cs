namespace Nuke.Common.Execution;

/// <summary>
/// Skips a scheduled target and, unless it says <c>WhenSkipped(Execute)</c>, the dependencies and triggers that no
/// other scheduled target still needs. Invoked targets stay scheduled here; their own turn decides.
/// </summary>
internal static class SkipMarker
{
    public static void Skip(ExecutableTarget target, IReadOnlyList<ExecutableTarget> plan, string? reason)
    {
        if (target.Status != ExecutionStatus.Scheduled)
            return;
        if (!target.Invoked)
        {
            target.Status = ExecutionStatus.Skipped;
            if (reason is not null)
                target.Summary.TryAdd("Skipped", reason);
        }

        Cascade(target, plan);
    }

    public static void Cascade(ExecutableTarget target, IReadOnlyList<ExecutableTarget> plan)
    {
        if (target.DependencyBehavior == DependencyBehavior.Execute)
            return;
        foreach (var dependency in target.ExecutionDependencyList.Concat(target.TriggerList).Distinct().ToList())
        {
            if (dependency.Status != ExecutionStatus.Scheduled || !plan.Contains(dependency))
                continue;
            var stillNeeded = plan.Any(other =>
                other != target &&
                other.Status == ExecutionStatus.Scheduled &&
                (other.ExecutionDependencyList.Contains(dependency) || other.TriggerList.Contains(dependency)));
            if (!stillNeeded)
                Skip(dependency, plan, $"because of {target.Name}");
        }
    }
}
