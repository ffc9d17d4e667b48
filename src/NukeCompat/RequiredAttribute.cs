namespace Nuke.Common;

/// <summary>The member must have a value for every run, whichever targets are planned.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;
