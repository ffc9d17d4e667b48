using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Runbook;
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
        var journal = Journal ?? _upgradeTheAgentsFinish;
        if (journal is null)
            return;
        // A later rollback of this upgrade puts these hosts' old binaries back.
        foreach (var moved in result.Moved)
            journal.UpgradedAgents.TryAdd(moved.Host, moved.FromVersion);
        if (result.Moved.Any())
        {
            journal.AgentEngine = result.Engine;
            journal.AgentInventory = result.Inventory;
        }
        journal.Save();
    }

    UpgradeJournal? _upgradeTheAgentsFinish;

    /// <summary>
    /// The Agents step run alone ("fix the cause and rerun the agents alone") after an upgrade to the same version: the
    /// hosts it moves finish that upgrade, so they go into its journal, and its Rollback puts them back with the others
    /// (without this, a Rollback left them on the new version beside a control plane back on the old one). Not when that
    /// upgrade moved hosts through another engine or host source: one rollback cannot take both ways, so it is said
    /// instead. Only the journal's agents change: the run's own report stays its own.
    /// </summary>
    public void RecordAgentsInTheUpgradeTheyFinish(JournalStore journals, string composeFile, AgentEngine engine, AnsibleInventorySource? inventory)
    {
        if (Journal is not null)
            return;
        var upgrade = journals.LatestPastPreflight(composeFile);
        if (upgrade is not { Outcome: UpgradeOutcome.Succeeded } || upgrade.ToVersion is null
            || !NexplaneVersion.TryParse(upgrade.ToVersion, out var upgradedTo) || !upgradedTo.Equals(TargetVersion))
            return;
        if (upgrade.UpgradedAgents.Count > 0 && (upgrade.AgentEngine != engine || upgrade.AgentInventory != inventory))
        {
            output.Warning("Agents: upgrade {Id} ({From} -> {To}) moved its agents through {Engine}{Source:l}; the hosts this run moves are not " +
                           "added to its journal, so its Rollback would not put them back (roll them back by hand, or with the same engine and hosts)",
                upgrade.Id, upgrade.FromVersion ?? "?", upgrade.ToVersion, upgrade.AgentEngine.ToString(),
                upgrade.AgentInventory is { } source ? $" from group {source.Group} of {source.Path}" : "");
            return;
        }
        _upgradeTheAgentsFinish = upgrade;
        output.Information("Agents: the hosts this run moves finish upgrade {Id} ({From} -> {To}): they are recorded in its journal {File}, " +
                           "so its Rollback puts them back too", upgrade.Id, upgrade.FromVersion ?? "?", upgrade.ToVersion, upgrade.FilePath);
    }
}
