namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>Preflight could not run at all (e.g. a malformed version). Nothing was changed.</summary>
public sealed class PreflightException(string message) : Exception(message);
