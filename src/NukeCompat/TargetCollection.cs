using System.Collections;

namespace Nuke.Common;

/// <summary>
/// A read-only list of targets that also answers <c>Contains(SomeTarget)</c> by delegate equality, so dynamic
/// conditions read naturally: <c>OnlyWhenDynamic(() => FailedTargets.Contains(Deploy))</c>.
/// </summary>
public sealed class TargetCollection : IReadOnlyCollection<ExecutableTarget>
{
    private readonly IReadOnlyList<ExecutableTarget> _targets;

    internal TargetCollection(IEnumerable<ExecutableTarget> targets) => _targets = targets.ToList();

    public int Count => _targets.Count;

    public bool Contains(Target target) => _targets.Any(x => x.Factory.Equals(target));

    /// <summary>Matches the target name case-insensitively.</summary>
    public bool Contains(string targetName) =>
        _targets.Any(x => string.Equals(x.Name, targetName, StringComparison.OrdinalIgnoreCase));

    public IEnumerator<ExecutableTarget> GetEnumerator() => _targets.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
