namespace Nuke.Common;

/// <summary>The parameter's value is redacted from every output and never written to the schema.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
