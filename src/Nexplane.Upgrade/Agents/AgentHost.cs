namespace Nexplane.Upgrade.Agents;

/// <summary>
/// One managed host whose Nexplane agent the tool upgrades, as the agent hosts file describes it: over SSH, or on this
/// machine itself (<see cref="Local"/>: the agent runs on the Docker host, commands run in a local shell).
/// <see cref="Name"/> is the hostname the agent registers with, so the control plane can confirm its new version.
/// </summary>
public sealed record AgentHost
{
    public required string Name { get; init; }
    /// <summary>The agent runs on the machine the tool runs on; no SSH (the SSH fields stay empty).</summary>
    public bool Local { get; init; }
    public string Address { get; init; } = "";
    public int Port { get; init; } = 22;
    public string User { get; init; } = "";
    /// <summary>Absolute path of the SSH private key (the file itself is never read into logs).</summary>
    public string IdentityFile { get; init; } = "";
    /// <summary>The host key's fingerprint as <c>ssh-keygen -lf</c> prints it: <c>SHA256:&lt;base64&gt;</c>.</summary>
    public string HostKeySha256 { get; init; } = "";
    public required AgentPlatform Platform { get; init; }
    public string BinaryPath { get; init; } = DefaultBinaryPath;
    public string Service { get; init; } = DefaultService;

    public const string DefaultBinaryPath = "/usr/local/bin/nexplane-agent";
    public const string DefaultService = "nexplane-agent.service";
    public bool Canary { get; init; }
    /// <summary>Run the service and file commands through <c>sudo -n</c> (for a non-root login or a non-root tool).</summary>
    public bool Sudo { get; init; }

    /// <summary>
    /// The host's name in the operator's Ansible inventory when the hosts come from one (<c>--agent-inventory</c>); Ansible
    /// reaches it with the operator's own connection settings, so the SSH fields stay empty. <see cref="Name"/> is still the
    /// agent's registered name (<c>nexplane_agent_name</c>, by default this same name).
    /// </summary>
    public string? InventoryHostname { get; init; }

    /// <summary>How Ansible names the host: its inventory name, or (the hosts file) its agent name.</summary>
    public string AnsibleName => InventoryHostname ?? Name;

    public override string ToString() =>
        Local ? $"{Name} (this machine)"
        : InventoryHostname is not null ? (InventoryHostname == Name ? $"{Name} (Ansible inventory)" : $"{Name} ({InventoryHostname} in the Ansible inventory)")
        : $"{Name} ({User}@{Address}:{Port})";
}
