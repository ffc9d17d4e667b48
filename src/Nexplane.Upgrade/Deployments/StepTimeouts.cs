namespace Nexplane.Upgrade.Deployments;

/// <summary>How long each wait of the runbook may take.</summary>
/// <param name="Stop">How long a stopping service may take after its TERM before the engine kills it.</param>
/// <param name="Migration">How long the new backend's migrations and startup may take.</param>
/// <param name="Health">How long a started service may take to answer.</param>
/// <param name="StabilityWindow">How long started services must keep running without a restart to count as up.</param>
public sealed record StepTimeouts(TimeSpan Stop, TimeSpan Migration, TimeSpan Health, TimeSpan StabilityWindow);
