namespace Nuke.Common.Execution;

/// <summary>
/// Turns the invoked (or default) targets into an ordered plan: a reverse topological sort over every target with a
/// fixed tie-break (first candidate in discovery order), repeated until triggered targets are all planned.
/// </summary>
internal static class ExecutionPlanner
{
    /// <summary>A vertex points at everything that must come before it.</summary>
    public static IEnumerable<ExecutableTarget> Edges(ExecutableTarget target) =>
        target.ExecutionDependencyList.Concat(target.OrderDependencyList).Concat(target.TriggerDependencyList);

    /// <param name="invokedNames">Names from the command line, env or parameter files; null or empty means the defaults.</param>
    public static List<ExecutableTarget> Plan(IReadOnlyList<ExecutableTarget> targets, IReadOnlyCollection<string>? invokedNames)
    {
        var invoked = invokedNames is { Count: > 0 } ? Resolve(targets, invokedNames) : null;
        foreach (var target in invoked ?? [])
            target.Invoked = true;

        CycleDetector.ThrowOnCycles(targets);

        var roots = invoked ?? targets.Where(x => x.IsDefault).ToList();
        var plan = Schedule(targets, roots);
        while (true)
        {
            var triggered = plan.SelectMany(x => x.TriggerList).Where(x => !plan.Contains(x)).Distinct().ToList();
            if (triggered.Count == 0)
                break;
            plan = Schedule(targets, plan.Concat(triggered).ToList());
        }

        foreach (var target in plan)
            target.Status = ExecutionStatus.Scheduled;
        return plan;
    }

    /// <summary>Resolves names with dashes removed, case-insensitively; <c>A+B</c> is already split by the caller.</summary>
    public static List<ExecutableTarget> Resolve(IReadOnlyList<ExecutableTarget> targets, IEnumerable<string> names)
    {
        var resolved = new List<ExecutableTarget>();
        foreach (var name in names)
        {
            var plain = name.Replace("-", "");
            var target = targets.FirstOrDefault(x => string.Equals(x.Name, plain, StringComparison.OrdinalIgnoreCase))
                ?? throw new BuildConfigurationException(
                    $"Target with name '{plain}' does not exist. Available targets are:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, targets.Select(x => x.Name).Order(StringComparer.Ordinal).Select(x => $"  - {x}")));
            if (!resolved.Contains(target))
                resolved.Add(target);
        }

        return resolved;
    }

    private static List<ExecutableTarget> Schedule(IReadOnlyList<ExecutableTarget> targets, IReadOnlyCollection<ExecutableTarget> roots)
    {
        var pending = targets.ToList();
        var scheduled = new List<ExecutableTarget>();
        while (pending.Count > 0)
        {
            // The first pending vertex that no other pending vertex still points to.
            var pointedTo = pending.SelectMany(Edges).ToHashSet();
            var next = pending.First(x => !pointedTo.Contains(x));
            pending.Remove(next);
            if (roots.Contains(next) || scheduled.Any(x => x.ExecutionDependencyList.Contains(next)))
                scheduled.Add(next);
        }

        scheduled.Reverse();
        return scheduled;
    }
}
