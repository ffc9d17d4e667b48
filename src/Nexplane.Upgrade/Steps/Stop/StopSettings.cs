namespace Nexplane.Upgrade.Steps.Stop;

/// <summary>What Stop needs to know beyond the services it stops.</summary>
/// <param name="BackendService">Its stop starts the downtime.</param>
/// <param name="StopTimeout">How long a stopping service may take before the engine kills it.</param>
/// <param name="StopTimeoutOption">How the operator sets <paramref name="StopTimeout"/>, named when a service was killed.</param>
/// <param name="AvoidingTheWriteWindow">How to avoid writes the backup misses, said when there were some.</param>
public sealed record StopSettings(string BackendService, TimeSpan StopTimeout, string StopTimeoutOption, string AvoidingTheWriteWindow);
