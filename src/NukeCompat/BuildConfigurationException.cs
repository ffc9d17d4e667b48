namespace Nuke.Common;

/// <summary>
/// An error in the build's setup or invocation (unknown target, cycle, bad parameter value, unmet requirement).
/// It stops the build before or between targets; only its message is printed, since the stack trace helps nobody.
/// </summary>
public sealed class BuildConfigurationException(string message) : Exception(message);
