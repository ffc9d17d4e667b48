using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Journal;

namespace Nexplane.Upgrade.Runs;

/// <summary>The rollback of the agent hosts an upgrade moved, after the control plane is back on its previous version.</summary>
public sealed partial class UpgradeRun
{
    /// <summary>
    /// Each host the journal says the upgrade moved gets its kept <c>.old</c> binary back and must register on its
    /// previous version again. Returns the hosts that could not be rolled back (each with why and what to do by hand).
    /// </summary>
    async Task<IReadOnlyList<AgentHostOutcome>> RollBackAgentsAsync(UpgradeJournal journal, RollbackSettings settings,
        IRollbackDeployment deployment, CancellationToken cancellationToken)
    {
        var newVersion = journal.ToVersion ?? "?";
        var file = settings.AgentHostsFile;
        IReadOnlyList<AgentHost> named = [];
        var fileProblem = file is null ? $"no {settings.AgentHostsFileOption} is given" : $"{file} does not name it";
        try
        {
            if (file is not null)
                named = AgentHostsFileReader.Load(file);
        }
        catch (AgentHostsFileException exception)
        {
            fileProblem = exception.Message;
        }
        var hosts = journal.UpgradedAgents.Keys
            .Select(name => (Name: name, Host: named.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))))
            .ToArray();
        var outcomes = new List<AgentHostOutcome>();
        foreach (var (name, _) in hosts.Where(h => h.Host is null))
            outcomes.Add(new AgentHostOutcome(name, AgentHostResult.NeedsHuman, newVersion, journal.UpgradedAgents[name],
                $"not rolled back ({fileProblem}); on {name} put <binary>.old back in place of the binary and restart the agent service", 0));
        var reachable = hosts.Where(h => h.Host is not null).Select(h => h.Host!).ToArray();
        if (reachable.Length > 0)
        {
            var (login, token) = await deployment.LogInAsync(cancellationToken);
            if (!login.Passed || token is null)
            {
                outcomes.AddRange(reachable.Select(host => new AgentHostOutcome(host.Name, AgentHostResult.NeedsHuman, newVersion, journal.UpgradedAgents[host.Name],
                    $"not touched: each host is confirmed through the control plane, but the login failed ({login.Detail}). {AgentHostUpgrader.ManualRecovery(host)}", 0)));
                Report.Agents.AddRange(outcomes);
                return outcomes;
            }
            output.Information("Agents: putting the old binary back on {Count} host(s) this upgrade moved to {Version}", reachable.Length, newVersion);
            foreach (var host in reachable)
                outcomes.Add(await deployment.RollBackAgentAsync(host, journal.UpgradedAgents[host.Name], newVersion, token, cancellationToken));
        }
        Report.Agents.AddRange(outcomes);
        return outcomes.Where(o => o.Result != AgentHostResult.RolledBack).ToArray();
    }
}
