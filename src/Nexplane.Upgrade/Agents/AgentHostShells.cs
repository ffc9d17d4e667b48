using Nexplane.Upgrade.Operator;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents;

/// <summary>Opens the right shell for each host of the agent hosts file: local, or SSH.</summary>
public static class AgentHostShells
{
    public static AgentHostConnector Connector(string? sshKeyPassphrase, TimeSpan sshTimeout, ICommandRunner commands, OperatorAdvice advice)
    {
        var ssh = SshAgentHostShell.Connector(sshKeyPassphrase, sshTimeout, advice);
        return (host, cancellationToken) => host.Local ? Task.FromResult<IAgentHostShell>(new LocalAgentHostShell(commands)) : ssh(host, cancellationToken);
    }
}
