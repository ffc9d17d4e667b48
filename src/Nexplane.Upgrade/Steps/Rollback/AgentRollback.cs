using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.Steps.Rollback;

/// <summary>The rollback of the agent hosts an upgrade moved, after the control plane is back on its previous version.</summary>
public sealed class AgentRollback(IRunOutput output)
{
    /// <summary>
    /// Each host the upgrade moved gets its kept <c>.old</c> binary back and must register on its previous version
    /// again. Returns every moved host's outcome; one not rolled back says why and what to do by hand.
    /// </summary>
    /// <param name="movedAgents">Host name -> the version it ran before the upgrade, as the journal records them.</param>
    /// <param name="newVersion">The version the upgrade installed.</param>
    /// <param name="registeredBefore">What each agent registered before the rollback changed anything; null or empty when unknown.</param>
    /// <param name="engine">What moved the hosts (the journal says): they go back through the same engine.</param>
    /// <param name="inventory">The inventory group the upgrade took its hosts from (the journal says); null for the agent hosts file.</param>
    public async Task<IReadOnlyList<AgentHostOutcome>> RollBackAsync(IReadOnlyDictionary<string, string?> movedAgents, string newVersion,
        RollbackSettings settings, IRollbackDeployment deployment, IReadOnlyDictionary<string, string?>? registeredBefore,
        CancellationToken cancellationToken, AgentEngine engine = AgentEngine.Ssh, AnsibleInventorySource? inventory = null)
    {
        var (named, fileProblem) = inventory is null ? FromHostsFile(settings) : await FromInventoryAsync(inventory, deployment, cancellationToken);
        var hosts = movedAgents.Keys
            .Select(name => (Name: name, Host: named.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))))
            .ToArray();
        var outcomes = new List<AgentHostOutcome>();
        foreach (var (name, _) in hosts.Where(h => h.Host is null))
            outcomes.Add(new AgentHostOutcome(name, AgentHostResult.NeedsHuman, newVersion, movedAgents[name],
                $"not rolled back ({fileProblem}); on {name} put <binary>.old back in place of the binary and restart the agent service", 0));
        var reachable = hosts.Where(h => h.Host is not null).Select(h => h.Host!).ToArray();
        if (reachable.Length > 0)
        {
            var (login, token) = await deployment.LogInAsync(cancellationToken);
            if (!login.Passed || token is null)
            {
                outcomes.AddRange(reachable.Select(host => new AgentHostOutcome(host.Name, AgentHostResult.NeedsHuman, newVersion, movedAgents[host.Name],
                    $"not touched: each host is confirmed through the control plane, but the login failed ({login.Detail}). {AgentHostUpgrader.ManualRecovery(host)}", 0)));
                return outcomes;
            }
            output.Information("Agents: putting the old binary back on {Count} host(s) this upgrade moved to {Version}{Engine:l}", reachable.Length, newVersion,
                engine == AgentEngine.Ansible ? ", through Ansible" : "");
            var throughAnsible = new List<(AgentHost Host, string? OldVersion)>();
            foreach (var host in reachable)
            {
                // The kept .old binary is from before this upgrade: it goes back only while the host still runs what the upgrade installed.
                if (registeredBefore is not null && registeredBefore.TryGetValue(host.Name, out var now) && now is not null && !DeploymentReconciliation.SameVersion(now, newVersion))
                    outcomes.Add(new AgentHostOutcome(host.Name, AgentHostResult.NeedsHuman, newVersion, movedAgents[host.Name],
                        $"not touched: it registers {now} now, not the {newVersion} this upgrade installed, so it changed since and its kept .old " +
                        $"binary may not be what it should run. {AgentHostUpgrader.ManualRecovery(host)}", 0));
                else if (engine == AgentEngine.Ansible)
                    throughAnsible.Add((host, movedAgents[host.Name]));
                else
                    outcomes.Add(await deployment.RollBackAgentAsync(host, movedAgents[host.Name], newVersion, token, cancellationToken));
            }
            if (throughAnsible.Count > 0)
                outcomes.AddRange(await deployment.RollBackAgentsWithAnsibleAsync(throughAnsible, newVersion, token, inventory, cancellationToken));
        }
        return outcomes;
    }

    /// <summary>The hosts file's hosts, or why a moved host cannot be found in it.</summary>
    static (IReadOnlyList<AgentHost> Hosts, string Problem) FromHostsFile(RollbackSettings settings)
    {
        var file = settings.AgentHostsFile;
        if (file is null)
            return ([], $"no {settings.Advice.Flag(Setting.AgentHostsFile)} is given");
        try
        {
            return (AgentHostsFileReader.Load(file), $"{file} does not name it");
        }
        catch (AgentHostsFileException exception)
        {
            return ([], exception.Message);
        }
    }

    /// <summary>The same inventory group the upgrade read, read again and its hosts asked through Ansible; a host it cannot reach is left to a human.</summary>
    static async Task<(IReadOnlyList<AgentHost> Hosts, string Problem)> FromInventoryAsync(AnsibleInventorySource inventory,
        IRollbackDeployment deployment, CancellationToken cancellationToken)
    {
        var found = await deployment.InventoryAgentHostsAsync(inventory, cancellationToken);
        return (found.Hosts, found.Problems.Count == 0 ? $"{inventory} no longer holds it" : $"{inventory}: {string.Join("; ", found.Problems)}");
    }

    /// <summary>
    /// Host name -> the version each agent registers now; empty when the control plane cannot be asked (an interrupted
    /// upgrade's backend may be down): each host's own rollback then waits for its old version to register.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> RegisteredVersionsAsync(IControlPlane controlPlane, CancellationToken cancellationToken)
    {
        try
        {
            var (login, token) = await controlPlane.LogInAsync(cancellationToken);
            if (!login.Passed || token is null)
                return new Dictionary<string, string?>();
            return (await controlPlane.RegisteredAgentsAsync(token, cancellationToken))
                .GroupBy(agent => agent.Hostname, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(group => group.Key, group => group.First().Version, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Only a report: the rollback of the control plane must not wait on it.
            output.Warning("Agents: the agent list could not be read ({Reason}); each host's version is not checked before its rollback", exception.Message);
            return new Dictionary<string, string?>();
        }
    }
}
