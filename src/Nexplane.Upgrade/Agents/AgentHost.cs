namespace Nexplane.Upgrade.Agents;

/// <summary>
/// One managed host whose Nexplane agent the tool upgrades over SSH, as the agent hosts file describes it.
/// <see cref="Name"/> is the hostname the agent registers with, so the control plane can confirm its new version.
/// </summary>
public sealed record AgentHost
{
    public required string Name { get; init; }
    public required string Address { get; init; }
    public int Port { get; init; } = 22;
    public required string User { get; init; }
    /// <summary>Absolute path of the SSH private key (the file itself is never read into logs).</summary>
    public required string IdentityFile { get; init; }
    /// <summary>The host key's fingerprint as <c>ssh-keygen -lf</c> prints it: <c>SHA256:&lt;base64&gt;</c>.</summary>
    public required string HostKeySha256 { get; init; }
    public required AgentPlatform Platform { get; init; }
    public string BinaryPath { get; init; } = "/usr/local/bin/nexplane-agent";
    public string Service { get; init; } = "nexplane-agent.service";
    public bool Canary { get; init; }
    /// <summary>Run the service and file commands through <c>sudo -n</c> (for a non-root login).</summary>
    public bool Sudo { get; init; }

    public override string ToString() => $"{Name} ({User}@{Address}:{Port})";
}
