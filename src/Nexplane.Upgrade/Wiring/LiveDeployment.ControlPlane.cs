using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Wiring;

/// <summary>The control plane's API and the agent hosts as this deployment reaches them.</summary>
public sealed partial class LiveDeployment
{
    /// <summary>The version endpoint, a real login and the asset inventory, judged against <paramref name="version"/>.</summary>
    public Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken) =>
        new DeploymentVerifier(http, Advice).VerifyAsync(deployment.ApiUrl, deployment.VersionEndpoints, version, settings.Login.Email,
            settings.Login.Password, cancellationToken);

    /// <summary>The operator's login to the control plane's API; the token is masked in every output from here on.</summary>
    public async Task<(VerificationGate Gate, string? Token)> LogInAsync(CancellationToken cancellationToken)
    {
        var (login, token) = await new DeploymentVerifier(http, Advice).LoginGateAsync(deployment.ApiUrl, settings.Login.Email, settings.Login.Password,
            cancellationToken);
        if (token is not null)
            settings.Secrets.Register(token);
        return (login, token);
    }

    public Task<IReadOnlyList<RegisteredAgent>> RegisteredAgentsAsync(string token, CancellationToken cancellationToken) =>
        new AgentInventory(http).ListAsync(deployment.ApiUrl, token, cancellationToken);

    /// <summary>The binaries Preflight verified; a resumed run fetches them again (the cache makes that cheap, and re-hashes).</summary>
    public async Task<IReadOnlyDictionary<AgentPlatform, AgentBinary>> BinariesAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyList<AgentBinary> verified,
        Releases.NexplaneVersion target, CancellationToken cancellationToken)
    {
        var binaries = verified.ToDictionary(b => b.Platform);
        var downloader = new AgentBinaryDownloader(settings.Releases.GitHub(Advice), settings.Agents.BinaryCacheDirectory);
        foreach (var platform in hosts.Select(h => h.Platform).Distinct().Where(p => !binaries.ContainsKey(p)))
            binaries[platform] = await downloader.GetAsync(target, platform, cancellationToken);
        return binaries;
    }

    public Task<AgentHostOutcome> UpgradeAgentAsync(AgentHost host, AgentBinary binary, string token, CancellationToken cancellationToken) =>
        AgentUpgrader(token).UpgradeAsync(host, binary, cancellationToken);

    public Task<AgentHostOutcome> RollBackAgentAsync(AgentHost host, string? oldVersion, string newVersion, string token, CancellationToken cancellationToken) =>
        AgentUpgrader(token).RollBackAsync(host, oldVersion, newVersion, cancellationToken);

    public Task<IReadOnlyList<AgentHostOutcome>> UpgradeAgentsWithAnsibleAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyDictionary<AgentPlatform, AgentBinary> binaries,
        NexplaneVersion target, int waveSize, string token, CancellationToken cancellationToken) =>
        AnsibleEngine(settings.Agents.InventorySource).UpgradeAsync(hosts, binaries, target.ToString(), waveSize, token, cancellationToken);

    public Task<IReadOnlyList<AgentHostOutcome>> RollBackAgentsWithAnsibleAsync(IReadOnlyList<(AgentHost Host, string? OldVersion)> hosts, string newVersion,
        string token, AnsibleInventorySource? inventory, CancellationToken cancellationToken) =>
        AnsibleEngine(inventory).RollBackAsync(hosts, newVersion, token, cancellationToken);

    /// <summary>The hosts of the upgrade's inventory group, as Ansible lists and reaches them now (a rollback's).</summary>
    public Task<AnsibleInventoryHostsResult> InventoryAgentHostsAsync(AnsibleInventorySource inventory, CancellationToken cancellationToken) =>
        new AnsibleInventoryHosts(commands, inventory).LoadAsync(Path.Combine(settings.Agents.AnsibleDirectory, "rollback-probe", "results"), forUpgrade: false,
            cancellationToken);

    /// <summary>The Ansible engine (Agents/Ansible), writing its files beside the run's report; <paramref name="inventory"/> is where the hosts come from.</summary>
    AnsibleAgentEngine AnsibleEngine(AnsibleInventorySource? inventory) =>
        new(commands, new AnsibleEngineSettings(deployment.ApiUrl, settings.Agents.RegistrationTimeout, settings.Agents.AnsibleDirectory,
            settings.Agents.SshKeyPassphrase, inventory), Line);

    /// <summary>Upgrades or rolls back one agent host at a time, confirming each through the control plane's agent list.</summary>
    AgentHostUpgrader AgentUpgrader(string token) =>
        new(AgentHostShells.Connector(settings.Agents.SshKeyPassphrase, settings.Agents.ConnectTimeout, commands, Advice),
            new ControlPlaneAgentRegistry(new AgentInventory(http), deployment.ApiUrl, token),
            new AgentUpgradeTimings { RegistrationTimeout = settings.Agents.RegistrationTimeout }, Line);
}
