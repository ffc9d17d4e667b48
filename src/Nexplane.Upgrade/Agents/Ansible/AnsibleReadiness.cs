using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// What the Ansible engine needs on this machine, checked by Preflight (before anything changes) and again by the
/// engine before it touches a host: ansible-playbook runs, and no SSH key passphrase is asked to be handed to it.
/// </summary>
public static class AnsibleReadiness
{
    /// <summary>The problems, each said for the operator; empty when the engine can run. <paramref name="version"/> gets ansible-playbook's first line.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(ICommandRunner commands, string? sshKeyPassphrase, CancellationToken cancellationToken,
        Action<string>? version = null)
    {
        var problems = new List<string>();
        if (sshKeyPassphrase is { Length: > 0 })
            problems.Add("--agent-engine Ansible does not take --agent-ssh-key-passphrase: the tool never hands a passphrase to Ansible. Load the key " +
                         "into ssh-agent (ssh-add) and run again without the passphrase, or use the built-in engine (--agent-engine Ssh).");
        try
        {
            var result = await commands.RunAsync(new CommandLine(AnsibleAgentEngine.Program, "--version"), cancellationToken: cancellationToken);
            if (result.Succeeded)
                version?.Invoke(result.StandardOutput.FirstOrDefault()?.Trim() ?? AnsibleAgentEngine.Program);
            else
                problems.Add($"{AnsibleAgentEngine.Program} --version failed (exit {result.ExitCode}): {string.Join(" ", result.StandardError.TakeLast(3))}.");
        }
        catch (CommandNotStartedException)
        {
            problems.Add($"--agent-engine Ansible needs {AnsibleAgentEngine.Program}, which is not installed on this machine: install it (Debian: " +
                         "apt-get install ansible-core; scripts/test-env.sh does it for the sandbox) or use the built-in engine (--agent-engine Ssh).");
        }
        return problems;
    }
}
