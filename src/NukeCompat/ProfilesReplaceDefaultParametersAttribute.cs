namespace Nuke.Common;

/// <summary>
/// Addition to NUKE: with <c>--profile</c>, the profile files are the only parameter files read; <c>.nuke/parameters.json</c>
/// is not layered underneath. For builds whose parameters.json describes one particular target (a sandbox), so a
/// profile describing another target inherits none of its values.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ProfilesReplaceDefaultParametersAttribute : Attribute;
