using System.Text.Json.Serialization;

namespace Nexplane.Upgrade.Agents;

/// <summary>How one host ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentHostResult>))]
public enum AgentHostResult
{
    /// <summary>The new agent runs and registered with the control plane on the new version.</summary>
    Upgraded,
    /// <summary>The agent already registered on the target version; nothing was done.</summary>
    AlreadyCurrent,
    /// <summary>Something failed before the host was changed (connection, platform, upload, checksum): the old agent runs on.</summary>
    NotChanged,
    /// <summary>The new agent did not come up; the old binary was put back and the old agent registered again.</summary>
    RolledBack,
    /// <summary>The host could not be brought back by itself; the detail says what to run.</summary>
    NeedsHuman,
    /// <summary>Not attempted because an earlier host (the canary, or an earlier wave) failed.</summary>
    NotAttempted,
}

/// <summary>One host's result: what it ran before, what happened, and how long it took.</summary>
public sealed record AgentHostOutcome(string Host, AgentHostResult Result, string? FromVersion, string? ToVersion, string Detail, double Seconds)
{
    public bool IsSuccess => Result is AgentHostResult.Upgraded or AgentHostResult.AlreadyCurrent;

    public override string ToString() => $"{Host}: {Result} ({Detail})";
}
