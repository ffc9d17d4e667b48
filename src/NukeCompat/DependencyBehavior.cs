namespace Nuke.Common;

/// <summary>What happens to a skipped target's dependencies and triggers (see <see cref="ITargetDefinition.WhenSkipped"/>).</summary>
public enum DependencyBehavior
{
    /// <summary>Skip them too, unless another scheduled target still needs them.</summary>
    Skip,

    /// <summary>Run them anyway.</summary>
    Execute,
}
