namespace Nexplane.Upgrade.Agents;

/// <summary>
/// A platform Nexplane publishes an agent binary for. Release assets are named
/// <c>nexplane-agent-&lt;platform&gt;-&lt;version&gt;</c> (<c>.exe</c> on Windows), each with a <c>.sha256</c> file.
/// </summary>
public sealed record AgentPlatform(string Name)
{
    public static readonly AgentPlatform LinuxAmd64 = new("linux-amd64");
    public static readonly AgentPlatform LinuxArm64 = new("linux-arm64");
    public static readonly AgentPlatform DarwinArm64 = new("darwin-arm64");
    public static readonly AgentPlatform WindowsAmd64 = new("windows-amd64");

    public static IReadOnlyList<AgentPlatform> All { get; } = [LinuxAmd64, LinuxArm64, DarwinArm64, WindowsAmd64];

    public static AgentPlatform? Find(string? name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Only Linux hosts with systemd are upgraded over SSH; others are upgraded by hand (the tool says how).</summary>
    public bool IsLinux => Name.StartsWith("linux-", StringComparison.Ordinal);

    public string AssetName(string version) => Name.StartsWith("windows-", StringComparison.Ordinal)
        ? $"nexplane-agent-{Name}-{version}.exe"
        : $"nexplane-agent-{Name}-{version}";

    /// <summary>The platform a Linux host's <c>uname -m</c> names, or null for a machine Nexplane ships no agent for.</summary>
    public static AgentPlatform? FromUnameMachine(string machine) => machine.Trim() switch
    {
        "x86_64" or "amd64" => LinuxAmd64,
        "aarch64" or "arm64" => LinuxArm64,
        _ => null,
    };

    public override string ToString() => Name;
}
