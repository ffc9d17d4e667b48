using Nexplane.Upgrade.Steps.Verify;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Stop;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>
/// What a rollback does to the deployment, one operation each (the engine, compose, the database, HTTP). The step
/// decides which ones and in what order; tests record the calls instead of making them.
/// </summary>
public interface IRollbackDeployment : IAppStop, IControlPlane, IDeploymentVerification
{
    Task<RestoreResult> RestoreDatabaseAsync(string archive, CancellationToken cancellationToken);

    /// <summary>Which database the deployment uses now (after a restore swapped a new one in, that one).</summary>
    Task<DatabaseIdentity> DatabaseIdentityAsync(CancellationToken cancellationToken);

    /// <summary>Pins each service's tag where the deployment keeps it (the <c>image:</c> line or the .env variable).</summary>
    void PinTags(IReadOnlyList<(string Service, string Tag)> pins);

    /// <summary><c>compose up</c> of the services on the tags now pinned; returns the time from which their logs belong to this run.</summary>
    Task<DateTimeOffset> StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken);

    /// <summary>Follows the backend's startup; throws <see cref="MigrationFailedException"/> when it does not start.</summary>
    Task WatchBackendStartAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken);

    Task WaitUntilHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Puts the kept old binary back on one agent host and waits for it to register on <paramref name="oldVersion"/>.</summary>
    Task<AgentHostOutcome> RollBackAgentAsync(AgentHost host, string? oldVersion, string newVersion, string token, CancellationToken cancellationToken);

    /// <summary>Puts the kept old binaries back through ansible-playbook (hosts an upgrade moved with <c>--agent-engine Ansible</c>), one host at a time.</summary>
    /// <param name="inventory">The operator's inventory group the upgrade took the hosts from; null for the agent hosts file.</param>
    Task<IReadOnlyList<AgentHostOutcome>> RollBackAgentsWithAnsibleAsync(IReadOnlyList<(AgentHost Host, string? OldVersion)> hosts, string newVersion, string token,
        AnsibleInventorySource? inventory, CancellationToken cancellationToken);

    /// <summary>The hosts of the inventory group an upgrade took its hosts from, as Ansible lists and reaches them now.</summary>
    Task<AnsibleInventoryHostsResult> InventoryAgentHostsAsync(AnsibleInventorySource inventory, CancellationToken cancellationToken);
}
