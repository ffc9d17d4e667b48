namespace Nuke.Common;

/// <summary>
/// Marks a field or property (any visibility, readonly fields included) whose value comes from the command line,
/// environment variables or the parameter files.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute : Attribute
{
    public ParameterAttribute(string? description = null) => Description = description;

    public string? Description { get; }

    /// <summary>Logical name to use instead of the member name.</summary>
    public string? Name { get; set; }

    /// <summary>Splits a single token into array elements, e.g. <c>"+"</c> for <c>a+b</c>.</summary>
    public string? Separator { get; set; }

    /// <summary>Accepted for compatibility; array parameters are always lists.</summary>
    public bool List { get; set; } = true;
}
