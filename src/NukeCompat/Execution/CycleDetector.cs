namespace Nuke.Common.Execution;

/// <summary>Tarjan's strongly connected components over every target, planned or not; any component of two or more is a cycle.</summary>
internal static class CycleDetector
{
    public static void ThrowOnCycles(IReadOnlyList<ExecutableTarget> targets)
    {
        var index = 0;
        var indices = new Dictionary<ExecutableTarget, int>();
        var lowLinks = new Dictionary<ExecutableTarget, int>();
        var stack = new Stack<ExecutableTarget>();
        var onStack = new HashSet<ExecutableTarget>();
        var cycles = new List<List<ExecutableTarget>>();

        foreach (var target in targets)
        {
            if (!indices.ContainsKey(target))
                Connect(target);
        }

        if (cycles.Count == 0)
            return;

        var lines = cycles.Select(cycle =>
            " - " + string.Join(", ", cycle.OrderBy(x => IndexOf(targets, x)).Select(x => x.Name)));
        throw new BuildConfigurationException(
            $"Circular dependencies between targets:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");

        void Connect(ExecutableTarget vertex)
        {
            indices[vertex] = lowLinks[vertex] = index++;
            stack.Push(vertex);
            onStack.Add(vertex);
            foreach (var successor in ExecutionPlanner.Edges(vertex))
            {
                if (!indices.ContainsKey(successor))
                {
                    Connect(successor);
                    lowLinks[vertex] = Math.Min(lowLinks[vertex], lowLinks[successor]);
                }
                else if (onStack.Contains(successor))
                {
                    lowLinks[vertex] = Math.Min(lowLinks[vertex], indices[successor]);
                }
            }

            if (lowLinks[vertex] != indices[vertex])
                return;
            var component = new List<ExecutableTarget>();
            ExecutableTarget member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            } while (member != vertex);

            if (component.Count > 1)
                cycles.Add(component);
        }
    }

    private static int IndexOf(IReadOnlyList<ExecutableTarget> targets, ExecutableTarget target)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i] == target)
                return i;
        }

        return -1;
    }
}
