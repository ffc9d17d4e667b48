namespace Nuke.Common.Parameters;

/// <summary>The parameters every build has, with NUKE's help texts.</summary>
internal static class BuiltInParameters
{
    public const string DefaultTargetPlaceholder = "{default_target}";

    public static readonly IReadOnlyList<BuiltInParameter> All =
    [
        new("Continue", "Indicates to continue a previously failed build attempt."),
        new("Help", "Shows the help text for this build assembly."),
        new("Host", "Host for execution. Default is 'automatic'."),
        new("NoLogo", "Disables displaying the NUKE logo."),
        new("Plan", "Shows the execution plan as text, with a Mermaid graph of all targets."),
        new("Profile", "Defines the profiles to load."),
        new("Root", "Root directory during build execution."),
        new("Skip", "List of targets to be skipped. Empty list skips all dependencies."),
        new("Target", $"List of targets to be invoked. Default is '{DefaultTargetPlaceholder}'."),
        new("Verbosity", "Logging verbosity during build execution. Default is 'Normal'."),
    ];

    /// <summary>Option keys the engine itself understands (Partition is accepted and ignored, as it only matters on CI).</summary>
    public static readonly IReadOnlySet<string> MatchKeys =
        All.Select(x => ParameterNaming.MatchKey(x.Name)).Append("partition").ToHashSet();
}

/// <summary>A record, not a value tuple: LINQ over it is the framework's shared code, compiled ahead of time.</summary>
internal sealed record BuiltInParameter(string Name, string Description);
