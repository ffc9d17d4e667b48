namespace Nuke.Common;

/// <summary>
/// Addition to NUKE: a command-line option that names no parameter ends the build before any target runs. NUKE
/// warns and goes on, so a mistyped or unsupported flag (<c>--dry-run</c>) would run the real thing without it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RejectUnknownOptionsAttribute : Attribute;
