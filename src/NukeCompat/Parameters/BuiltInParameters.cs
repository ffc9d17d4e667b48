namespace Nuke.Common.Parameters;

/// <summary>The parameters every build has, with NUKE's help texts.</summary>
internal static class BuiltInParameters
{
    public const string DefaultTargetPlaceholder = "{default_target}";

    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        ("Continue", "Indicates to continue a previously failed build attempt."),
        ("Help", "Shows the help text for this build assembly."),
        ("Host", "Host for execution. Default is 'automatic'."),
        ("NoLogo", "Disables displaying the NUKE logo."),
        ("Plan", "Shows the execution plan as text, with a Mermaid graph of all targets."),
        ("Profile", "Defines the profiles to load."),
        ("Root", "Root directory during build execution."),
        ("Skip", "List of targets to be skipped. Empty list skips all dependencies."),
        ("Target", $"List of targets to be invoked. Default is '{DefaultTargetPlaceholder}'."),
        ("Verbosity", "Logging verbosity during build execution. Default is 'Normal'."),
    ];

    /// <summary>Option keys the engine itself understands (Partition is accepted and ignored, as it only matters on CI).</summary>
    public static readonly IReadOnlySet<string> MatchKeys =
        All.Select(x => ParameterNaming.MatchKey(x.Name)).Append("partition").ToHashSet();
}
