using System.Text.Json.Nodes;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>Where and how the Ansible engine runs.</summary>
/// <param name="ApiUrl">The control plane's API, which the playbooks ask for each agent's registration.</param>
/// <param name="RegistrationTimeout">How long a restarted agent has to register.</param>
/// <param name="Directory">Where the run's playbook, inventory, ansible.cfg, known_hosts and results are written and kept, beside its report.</param>
/// <param name="SshKeyPassphrase">Refused when set: a passphrase is never handed to Ansible (load the key into ssh-agent instead).</param>
public sealed record AnsibleEngineSettings(Uri ApiUrl, TimeSpan RegistrationTimeout, string Directory, string? SshKeyPassphrase);

/// <summary>
/// The Agents step's second engine: the hosts of the agent hosts file upgraded (or rolled back) by
/// <c>ansible-playbook</c> running a playbook this tool writes (<see cref="AgentPlaybook"/>), each host's outcome read
/// back from Ansible's own machine-readable output (<see cref="AnsibleHostResults"/>). The binaries are the ones the
/// tool downloaded and verified; the registration check is the control plane's API, as the built-in engine does it.
/// The files a run used stay in <see cref="AnsibleEngineSettings.Directory"/> for the operator to read or re-run.
/// </summary>
public sealed class AnsibleAgentEngine(ICommandRunner commands, AnsibleEngineSettings settings, Action<string> log)
{
    public const string Program = "ansible-playbook";

    /// <summary>Runs the upgrade playbook: canary, then batches of <paramref name="waveSize"/>, stopping at the first failed host.</summary>
    public async Task<IReadOnlyList<AgentHostOutcome>> UpgradeAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyDictionary<AgentPlatform, AgentBinary> binaries,
        string version, int waveSize, string token, CancellationToken cancellationToken)
    {
        var ordered = AnsibleInventory.InRolloutOrder(hosts);
        var directory = Path.Combine(settings.Directory, "upgrade");
        await PrepareAsync(directory, cancellationToken);
        var refused = await WriteKnownHostsAsync(directory, ordered, cancellationToken);
        if (refused.Count > 0)
            // Before anything changes: the host that cannot prove its identity fails, and no host is touched.
            return ordered.Select(host => refused.TryGetValue(host.Name, out var why)
                ? new AgentHostOutcome(host.Name, AgentHostResult.NotChanged, null, version, why, 0)
                : new AgentHostOutcome(host.Name, AgentHostResult.NotAttempted, null, null,
                    $"not attempted: {string.Join(", ", refused.Keys)} did not show the host key the agent hosts file names", 0)).ToArray();

        File.WriteAllText(Path.Combine(directory, "inventory.yml"), AnsibleInventory.Write(ordered, host =>
        {
            var binary = binaries[host.Platform];
            return new Dictionary<string, JsonNode?>
            {
                ["nexplane_agent_binary"] = binary.FilePath,
                ["nexplane_agent_sha256"] = binary.Sha256,
            };
        }, KnownHostsFile(directory)));
        File.WriteAllText(Path.Combine(directory, "upgrade-agents.yml"),
            AgentPlaybook.Upgrade(new AgentPlaybookSettings(settings.ApiUrl, version, waveSize, settings.RegistrationTimeout)));
        File.WriteAllText(Path.Combine(directory, "ansible.cfg"), AgentPlaybook.Config(Math.Max(1, waveSize)));

        log($"Ansible: {Program} upgrade-agents.yml in {directory}: canary {ordered[0].Name}, then batches of {waveSize}");
        await RunPlaybookAsync(directory, "upgrade-agents.yml", token, cancellationToken);
        return AnsibleHostResults.Read(ordered, TreeFiles(directory), version, log);
    }

    /// <summary>Runs the rollback playbook: each host's kept .old binary back, one host at a time.</summary>
    /// <param name="hosts">The hosts an upgrade moved, with the version each ran before.</param>
    public async Task<IReadOnlyList<AgentHostOutcome>> RollBackAsync(IReadOnlyList<(AgentHost Host, string? OldVersion)> hosts, string newVersion, string token,
        CancellationToken cancellationToken)
    {
        var directory = Path.Combine(settings.Directory, "rollback");
        var ordered = hosts.Select(h => h.Host).ToArray();
        await PrepareAsync(directory, cancellationToken);
        var refused = await WriteKnownHostsAsync(directory, ordered, cancellationToken);
        var reachable = ordered.Where(host => !refused.ContainsKey(host.Name)).ToArray();
        var outcomes = refused.Select(r => new AgentHostOutcome(r.Key, AgentHostResult.NeedsHuman, newVersion, hosts.First(h => h.Host.Name == r.Key).OldVersion,
            $"{r.Value}. {AgentHostUpgrader.ManualRecovery(ordered.First(h => h.Name == r.Key))}", 0)).ToList();
        if (reachable.Length == 0)
            return outcomes;
        var oldVersions = hosts.ToDictionary(h => h.Host.Name, h => h.OldVersion);
        File.WriteAllText(Path.Combine(directory, "inventory.yml"), AnsibleInventory.Write(reachable,
            host => new Dictionary<string, JsonNode?> { ["nexplane_agent_old_version"] = oldVersions[host.Name] }, KnownHostsFile(directory)));
        File.WriteAllText(Path.Combine(directory, "rollback-agents.yml"),
            AgentPlaybook.Rollback(new AgentPlaybookSettings(settings.ApiUrl, newVersion, 1, settings.RegistrationTimeout)));
        File.WriteAllText(Path.Combine(directory, "ansible.cfg"), AgentPlaybook.Config(1));

        log($"Ansible: {Program} rollback-agents.yml in {directory}");
        await RunPlaybookAsync(directory, "rollback-agents.yml", token, cancellationToken);
        var read = AnsibleHostResults.Read(reachable, TreeFiles(directory), oldVersions.Values.FirstOrDefault() ?? "", log);
        // A host the rollback never reached still runs the new version: it needs a human, not a "not attempted".
        outcomes.AddRange(read.Select(o => o.Result == AgentHostResult.NotAttempted
            ? o with { Result = AgentHostResult.NeedsHuman, FromVersion = newVersion, ToVersion = oldVersions[o.Host],
                Detail = $"{o.Detail}. {AgentHostUpgrader.ManualRecovery(reachable.First(h => h.Name == o.Host))}" }
            : o));
        return outcomes;
    }

    static string KnownHostsFile(string directory) => Path.Combine(directory, "known_hosts");

    static string ResultsDirectory(string directory) => Path.Combine(directory, "results");

    /// <summary>A fresh directory (results of an earlier attempt would read as this one's), and ansible-playbook present.</summary>
    async Task PrepareAsync(string directory, CancellationToken cancellationToken)
    {
        var problems = await AnsibleReadiness.ProblemsAsync(commands, settings.SshKeyPassphrase, cancellationToken, version => log($"Ansible: {version}"));
        if (problems.Count > 0)
            throw new InvalidOperationException(string.Join(" ", problems) + " No agent host was touched.");
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// Writes known_hosts from <c>ssh-keyscan</c>, keeping only keys with the fingerprint the hosts file names; returns the
    /// hosts that showed none (host name -> why).
    /// </summary>
    async Task<IReadOnlyDictionary<string, string>> WriteKnownHostsAsync(string directory, IReadOnlyList<AgentHost> hosts, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var refused = new Dictionary<string, string>();
        foreach (var host in hosts.Where(h => !h.Local))
        {
            var scan = await commands.RunAsync(new CommandLine("ssh-keyscan", "-T", "10", "-p", host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), host.Address),
                cancellationToken: cancellationToken);
            var matching = KnownHosts.Matching(scan.StandardOutput, host.HostKeySha256);
            if (matching.Count == 0)
                refused[host.Name] = $"{host.Name} ({host.Address}:{host.Port}) did not show the host key {host.HostKeySha256} the agent hosts file names " +
                                     $"(ssh-keyscan: {(scan.StandardOutput.Count == 0 ? "no key" : "other keys")}); nothing was done on it";
            lines.AddRange(matching);
        }
        File.WriteAllLines(KnownHostsFile(directory), lines);
        return refused;
    }

    async Task RunPlaybookAsync(string directory, string playbook, string token, CancellationToken cancellationToken)
    {
        var command = new CommandLine(Program, "-i", "inventory.yml", playbook)
        {
            WorkingDirectory = directory,
            Environment = new Dictionary<string, string?>
            {
                ["ANSIBLE_CONFIG"] = Path.Combine(directory, "ansible.cfg"),
                ["ANSIBLE_CALLBACK_TREE_DIR"] = ResultsDirectory(directory),
                ["ANSIBLE_FORCE_COLOR"] = "0",
                ["PYTHONUNBUFFERED"] = "1",
                // Read by the no_log tasks that ask the control plane; never an argument, never in a file.
                [AgentPlaybook.TokenVariable] = token,
            },
        };
        var result = await commands.RunAsync(command, Shown, Shown, cancellationToken);
        // 0: every host ok; 2: a host failed; 4: a host unreachable. The per-host files say which; anything else is Ansible's own failure.
        if (result.ExitCode is not (0 or 2 or 4) && TreeFiles(directory).Count == 0)
            throw new InvalidOperationException(
                $"{Program} {playbook} failed before it reached any host (exit {result.ExitCode}); its files are in {directory}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, result.StandardError.Concat(result.StandardOutput).TakeLast(15).Select(line => "    " + line)));
    }

    /// <summary>Ansible's own lines, as the log shows them: its banners without their rows of stars.</summary>
    void Shown(string line)
    {
        var text = line.TrimEnd().TrimEnd('*').TrimEnd();
        if (text.Length > 0)
            log("ansible | " + text);
    }

    static IReadOnlyDictionary<string, string> TreeFiles(string directory)
    {
        var results = ResultsDirectory(directory);
        return Directory.Exists(results)
            ? Directory.GetFiles(results).ToDictionary(file => Path.GetFileName(file), File.ReadAllText)
            : new Dictionary<string, string>();
    }
}
