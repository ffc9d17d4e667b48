namespace Nuke.Common.Execution;

/// <summary>Stops the run after the reason was already logged, so the runner does not log it twice.</summary>
internal sealed class BuildStoppedException() : Exception("The build was stopped; the reason was logged before.");
