namespace Nexplane.Upgrade.Agents;

/// <summary>How the agent hosts are reached and upgraded.</summary>
public sealed record AgentSettings
{
    /// <summary>The agent hosts file (JSON); checked when the release requires an agent upgrade.</summary>
    public string? HostsFile { get; init; }

    /// <summary>
    /// The operator's own Ansible inventory the hosts come from instead of <see cref="HostsFile"/> (with the Ansible engine
    /// only), and the group of it whose hosts run an agent.
    /// </summary>
    public string? Inventory { get; init; }

    /// <summary>The group of <see cref="Inventory"/> to upgrade (its children's hosts included).</summary>
    public string? InventoryGroup { get; init; }

    /// <summary>Where the hosts come from when an Ansible inventory names them; null for the agent hosts file.</summary>
    public Ansible.AnsibleInventorySource? InventorySource =>
        Inventory is null ? null : new(Path.GetFullPath(Inventory), InventoryGroup ?? "");

    /// <summary>The hosts are named at all: by the agent hosts file or by an inventory's group.</summary>
    public bool HostsNamed => HostsFile is not null || Inventory is not null;

    /// <summary>The operator upgrades the agents by hand: a required agent upgrade does not stop the upgrade.</summary>
    public bool Skip { get; init; }

    /// <summary>Upgrade the agents even though no release on the path requires it.</summary>
    public bool UpgradeRequested { get; init; }

    /// <summary>Hosts upgraded at once after the canary.</summary>
    public int WaveSize { get; init; } = 5;

    /// <summary>How long a restarted agent has to register on its new version.</summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Passphrase of the SSH key the hosts file names; a secret.</summary>
    public string? SshKeyPassphrase { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What moves the hosts: the built-in SSH rollout, or ansible-playbook.</summary>
    public AgentEngine Engine { get; init; } = AgentEngine.Ssh;

    /// <summary>Where the Ansible engine writes (and keeps, beside the run's report) its playbook, inventory and results.</summary>
    public string AnsibleDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "nexplane-ansible");

    /// <summary>Where verified agent binaries are kept between Preflight and the agent step.</summary>
    public string BinaryCacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "nexplane-agent-binaries");
}
