using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Steps.Agents;

namespace Nexplane.Upgrade.Runs;

/// <summary>Agents (Steps/Agents): the run hands it the hosts Preflight checked and records each host's outcome.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>The release notes on the upgrade path require an agent upgrade (this run's Preflight, or the resumed upgrade's journal).</summary>
    public bool AgentUpgradeRequired => Preflight?.Path?.AgentUpgradeRequired ?? Journal?.AgentUpgradeRequired ?? false;

    /// <summary>The hosts the Agents step upgrades (<see cref="AgentsStep.HostsToUpgrade"/>), Preflight's when it checked them.</summary>
    public IReadOnlyList<AgentHost> AgentHostsToUpgrade(AgentSettings settings) => AgentsStep.HostsToUpgrade(Preflight?.AgentHosts ?? [], settings.HostsFile, advice);

    /// <summary>
    /// The hosts the Agents step upgrades from an inventory group: Preflight's when it checked them, else read and asked
    /// through Ansible by <paramref name="inventoryHosts"/> now.
    /// </summary>
    public async Task<IReadOnlyList<AgentHost>> AgentHostsToUpgradeAsync(AgentSettings settings,
        Func<AnsibleInventorySource, CancellationToken, Task<AnsibleInventoryHostsResult>> inventoryHosts, CancellationToken cancellationToken) =>
        settings.InventorySource is not { } inventory ? AgentHostsToUpgrade(settings)
        : Preflight?.AgentHosts is { Count: > 0 } checkedHosts ? checkedHosts
        : AgentsStep.HostsOfInventory(inventory, await inventoryHosts(inventory, cancellationToken));

    /// <summary>
    /// Upgrades the agents with the binaries this run's Preflight verified; each host's outcome goes into the report, and
    /// the hosts it moved into the journal.
    /// </summary>
    public Task UpgradeAgentsAsync(AgentsInput input, IAgentHosts agents, CancellationToken cancellationToken) =>
        new AgentsStep(output).RunAsync(input with { VerifiedBinaries = Preflight?.AgentBinaries ?? [] }, agents, RecordAgents, cancellationToken);

    void RecordAgents(AgentsResult result)
    {
        Report.Agents.AddRange(result.Outcomes);
        Report.AgentInventory = result.Inventory;
        if (Journal is null)
            return;
        // A later rollback of this upgrade puts these hosts' old binaries back.
        foreach (var moved in result.Moved)
            Journal.UpgradedAgents[moved.Host] = moved.FromVersion;
        if (result.Moved.Any())
        {
            Journal.AgentEngine = result.Engine;
            Journal.AgentInventory = result.Inventory;
        }
        Journal.Save();
    }
}
