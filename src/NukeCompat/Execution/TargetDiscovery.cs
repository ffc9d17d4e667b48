using System.Reflection;

namespace Nuke.Common.Execution;

/// <summary>
/// Finds the <see cref="Target"/> properties of a build (class, base classes, default interface members), calls each
/// factory once and links the recorded relations into <see cref="ExecutableTarget"/>s.
/// </summary>
internal static class TargetDiscovery
{
    private const BindingFlags DeclaredInstanceMembers =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    public static IReadOnlyList<ExecutableTarget> Discover(NukeBuild build)
    {
        var getters = FindTargetGetters(build.GetType());
        var targets = new List<ExecutableTarget>();
        var definitions = new List<TargetDefinition>();
        foreach (var (name, getter) in getters)
        {
            var factory = (Target)getter.Invoke(build, parameters: null)!;
            var definition = new TargetDefinition(build, name);
            factory(definition);
            targets.Add(new ExecutableTarget(name, factory));
            definitions.Add(definition);
        }

        for (var i = 0; i < targets.Count; i++)
            Link(targets[i], definitions[i], targets);
        return targets;
    }

    /// <summary>Property getters in discovery order: the class first, then base classes, then interface defaults.</summary>
    private static List<(string Name, MethodInfo Getter)> FindTargetGetters(Type buildType)
    {
        var found = new List<(string Name, MethodInfo Getter)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var type = buildType; type is not null && type != typeof(NukeBuild); type = type.BaseType)
        {
            foreach (var property in type.GetProperties(DeclaredInstanceMembers))
            {
                if (property.PropertyType != typeof(Target) || property.GetMethod is null)
                    continue;
                // An explicit implementation is named 'Namespace.IPack.Pack'; the target is 'Pack'.
                var name = property.Name[(property.Name.LastIndexOf('.') + 1)..];
                // An override in a derived class already stands for the virtual base property.
                if (names.Add(name))
                    found.Add((name, property.GetMethod));
            }
        }

        var interfaceDefaults = new Dictionary<string, List<(Type Interface, MethodInfo Implementation)>>();
        foreach (var @interface in buildType.GetInterfaces())
        {
            var map = buildType.GetInterfaceMap(@interface);
            foreach (var property in @interface.GetProperties(DeclaredInstanceMembers))
            {
                if (property.PropertyType != typeof(Target) || property.GetMethod is null)
                    continue;
                var implementation = map.TargetMethods[Array.IndexOf(map.InterfaceMethods, property.GetMethod)];
                // Implemented by the class (implicitly or explicitly): already found above.
                if (implementation.DeclaringType is { IsInterface: false })
                    continue;
                var name = property.Name[(property.Name.LastIndexOf('.') + 1)..];
                if (names.Contains(name))
                    continue;
                if (!interfaceDefaults.TryGetValue(name, out var sources))
                    interfaceDefaults[name] = sources = [];
                if (sources.All(x => x.Implementation != implementation))
                    sources.Add((implementation.DeclaringType!, implementation));
            }
        }

        foreach (var (name, sources) in interfaceDefaults)
        {
            if (sources.Count > 1)
            {
                throw new BuildConfigurationException(
                    $"Target '{name}' must be implemented explicitly because it is inherited from multiple interfaces:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, sources.Select(x => $"  - {x.Interface.Name}")));
            }

            found.Add((name, sources[0].Implementation));
        }

        return found;
    }

    private static void Link(ExecutableTarget target, TargetDefinition definition, List<ExecutableTarget> all)
    {
        target.Description = definition.DescriptionText;
        target.Listed = definition.IsListed;
        target.ProceedAfterFailure = definition.ProceedsAfterFailure;
        target.AssuredAfterFailure = definition.IsAssuredAfterFailure;
        target.DependencyBehavior = definition.SkipBehavior;
        target.Actions.AddRange(definition.Actions);
        target.StaticConditions.AddRange(definition.StaticConditions);
        target.DynamicConditions.AddRange(definition.DynamicConditions);
        target.Requirements.AddRange(definition.Requirements);

        foreach (var other in Resolve(definition.DependsOnTargets))
            AddOnce(target.ExecutionDependencyList, other);
        foreach (var other in Resolve(definition.DependentForTargets))
            AddOnce(other.ExecutionDependencyList, target);
        foreach (var other in Resolve(definition.AfterTargets))
            AddOnce(target.OrderDependencyList, other);
        foreach (var other in Resolve(definition.BeforeTargets))
            AddOnce(other.OrderDependencyList, target);
        foreach (var other in Resolve(definition.TriggersTargets))
        {
            AddOnce(target.TriggerList, other);
            AddOnce(other.TriggerDependencyList, target);
        }

        foreach (var other in Resolve(definition.TriggeredByTargets))
        {
            AddOnce(target.TriggerDependencyList, other);
            AddOnce(other.TriggerList, target);
        }

        IEnumerable<ExecutableTarget> Resolve(IEnumerable<Target> factories) =>
            factories.Select(factory =>
            {
                var other = all.FirstOrDefault(x => x.Factory.Equals(factory))
                    ?? throw new BuildConfigurationException(
                        $"Target '{target.Name}' refers to a target that is not a Target property of the build");
                if (other == target)
                    throw new BuildConfigurationException($"Target '{target.Name}' cannot have a dependency on itself");
                return other;
            }).ToList();
    }

    private static void AddOnce(List<ExecutableTarget> list, ExecutableTarget target)
    {
        if (!list.Contains(target))
            list.Add(target);
    }
}
