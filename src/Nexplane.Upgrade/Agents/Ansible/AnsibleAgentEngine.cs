using System.Text.Json.Nodes;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>Where and how the Ansible engine runs.</summary>
/// <param name="ApiUrl">The control plane's API, which the playbooks ask for each agent's registration.</param>
/// <param name="RegistrationTimeout">How long a restarted agent has to register.</param>
/// <param name="Directory">Where the run's playbook, inventory, ansible.cfg, known_hosts and results are written and kept, beside its report.</param>
/// <param name="SshKeyPassphrase">Refused when set: a passphrase is never handed to Ansible (load the key into ssh-agent instead).</param>
/// <param name="Inventory">The operator's inventory group the hosts come from; null when they come from the agent hosts file.</param>
public sealed record AnsibleEngineSettings(Uri ApiUrl, TimeSpan RegistrationTimeout, string Directory, string? SshKeyPassphrase,
    AnsibleInventorySource? Inventory = null);

/// <summary>
/// The Agents step's second engine: the hosts of the agent hosts file upgraded (or rolled back) by
/// <c>ansible-playbook</c> running a playbook this tool writes (<see cref="AgentPlaybook"/>), each host's outcome read
/// back from Ansible's own machine-readable output (<see cref="AnsibleHostResults"/>). The binaries are the ones the
/// tool downloaded and verified; the registration check is the control plane's API, as the built-in engine does it.
/// The files a run used stay in <see cref="AnsibleEngineSettings.Directory"/> for the operator to read or re-run.
/// With <see cref="AnsibleEngineSettings.Inventory"/> the hosts are the operator's own: the playbook runs against their
/// inventory, with a vars-only inventory over it (<see cref="AnsibleInventory.WriteVars"/>), in their inventory's directory
/// and under their own ansible.cfg; the tool pins no host key for them (their known_hosts and host key settings apply:
/// the tool knows no fingerprint of theirs to pin).
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
        Dictionary<string, JsonNode?> Upgrade(AgentHost host)
        {
            var binary = binaries[host.Platform];
            return new() { ["nexplane_agent_binary"] = binary.FilePath, ["nexplane_agent_sha256"] = binary.Sha256 };
        }
        if (settings.Inventory is { } inventory)
        {
            File.WriteAllText(Path.Combine(directory, VarsInventory), AnsibleInventory.WriteVars(ordered, Upgrade));
            File.WriteAllText(Path.Combine(directory, "upgrade-agents.yml"), AgentPlaybook.Upgrade(new AgentPlaybookSettings(settings.ApiUrl, version, waveSize,
                settings.RegistrationTimeout, AgentPlaybook.RolloutGroup, Rerun(inventory, directory, "upgrade-agents.yml"))));
            log($"Ansible: {Program} upgrade-agents.yml in {directory}: {inventory.Describe(ordered.Count)}, canary {ordered[0].Name}, then batches of {waveSize}");
            await RunPlaybookAsync(directory, "upgrade-agents.yml", token, Math.Max(1, waveSize), cancellationToken);
            return AnsibleHostResults.Read(ordered, TreeFiles(directory), version, log);
        }
        var refused = await WriteKnownHostsAsync(directory, ordered, cancellationToken);
        if (refused.Count > 0)
            // Before anything changes: the host that cannot prove its identity fails, and no host is touched.
            return ordered.Select(host => refused.TryGetValue(host.Name, out var why)
                ? new AgentHostOutcome(host.Name, AgentHostResult.NotChanged, null, version, why, 0)
                : new AgentHostOutcome(host.Name, AgentHostResult.NotAttempted, null, null,
                    $"not attempted: {string.Join(", ", refused.Keys)} did not show the host key the agent hosts file names", 0)).ToArray();

        File.WriteAllText(Path.Combine(directory, "inventory.yml"), AnsibleInventory.Write(ordered, Upgrade, KnownHostsFile(directory)));
        File.WriteAllText(Path.Combine(directory, "upgrade-agents.yml"),
            AgentPlaybook.Upgrade(new AgentPlaybookSettings(settings.ApiUrl, version, waveSize, settings.RegistrationTimeout)));
        File.WriteAllText(Path.Combine(directory, "ansible.cfg"), AgentPlaybook.Config(Math.Max(1, waveSize)));

        log($"Ansible: {Program} upgrade-agents.yml in {directory}: canary {ordered[0].Name}, then batches of {waveSize}");
        await RunPlaybookAsync(directory, "upgrade-agents.yml", token, Math.Max(1, waveSize), cancellationToken);
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
        var oldVersions = hosts.ToDictionary(h => h.Host.Name, h => h.OldVersion);
        Dictionary<string, JsonNode?> GoBackTo(AgentHost host) => new() { ["nexplane_agent_old_version"] = oldVersions[host.Name] };
        IReadOnlyDictionary<string, string> refused = new Dictionary<string, string>();
        if (settings.Inventory is { } inventory)
        {
            File.WriteAllText(Path.Combine(directory, VarsInventory), AnsibleInventory.WriteVars(ordered, GoBackTo));
            File.WriteAllText(Path.Combine(directory, "rollback-agents.yml"), AgentPlaybook.Rollback(new AgentPlaybookSettings(settings.ApiUrl, newVersion, 1,
                settings.RegistrationTimeout, AgentPlaybook.RolloutGroup, Rerun(inventory, directory, "rollback-agents.yml"))));
            log($"Ansible: {Program} rollback-agents.yml in {directory}: {inventory.Describe(ordered.Length)}");
        }
        else
            refused = await WriteKnownHostsAsync(directory, ordered, cancellationToken);
        var reachable = ordered.Where(host => !refused.ContainsKey(host.Name)).ToArray();
        var outcomes = refused.Select(r => new AgentHostOutcome(r.Key, AgentHostResult.NeedsHuman, newVersion, hosts.First(h => h.Host.Name == r.Key).OldVersion,
            $"{r.Value}. {AgentHostUpgrader.ManualRecovery(ordered.First(h => h.Name == r.Key))}", 0)).ToList();
        if (reachable.Length == 0)
            return outcomes;
        if (settings.Inventory is null)
        {
            File.WriteAllText(Path.Combine(directory, "inventory.yml"), AnsibleInventory.Write(reachable, GoBackTo, KnownHostsFile(directory)));
            File.WriteAllText(Path.Combine(directory, "rollback-agents.yml"),
                AgentPlaybook.Rollback(new AgentPlaybookSettings(settings.ApiUrl, newVersion, 1, settings.RegistrationTimeout)));
            File.WriteAllText(Path.Combine(directory, "ansible.cfg"), AgentPlaybook.Config(1));
            log($"Ansible: {Program} rollback-agents.yml in {directory}");
        }
        await RunPlaybookAsync(directory, "rollback-agents.yml", token, 1, cancellationToken);
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

    /// <summary>The vars-only inventory laid over the operator's (<see cref="AnsibleInventory.WriteVars"/>).</summary>
    public const string VarsInventory = "vars-inventory.yml";

    /// <summary>
    /// The ansible-playbook run, as data. The hosts file's: the tool's inventory and ansible.cfg in <paramref name="directory"/>.
    /// An inventory's: the operator's inventory, the vars inventory over it, limited to their group (a host taken out of the
    /// group since Preflight is not reached through the vars inventory alone), run in their inventory's directory under
    /// their own ansible.cfg; what the tool needs of the configuration (the tree callback, forks for a batch at once) comes
    /// through environment variables, which replace only those settings of theirs. The token is only ever in the environment.
    /// </summary>
    public static CommandLine PlaybookCommand(string directory, string playbook, string token, int forks, AnsibleInventorySource? inventory)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ANSIBLE_CALLBACK_TREE_DIR"] = ResultsDirectory(directory),
            ["ANSIBLE_FORCE_COLOR"] = "0",
            ["PYTHONUNBUFFERED"] = "1",
            // Read by the no_log tasks that ask the control plane; never an argument, never in a file.
            [AgentPlaybook.TokenVariable] = token,
        };
        if (inventory is null)
        {
            environment["ANSIBLE_CONFIG"] = Path.Combine(directory, "ansible.cfg");
            return new CommandLine(Program, "-i", "inventory.yml", playbook) { WorkingDirectory = directory, Environment = environment };
        }
        environment["ANSIBLE_CALLBACKS_ENABLED"] = "tree";
        environment["ANSIBLE_FORKS"] = forks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["ANSIBLE_RETRY_FILES_ENABLED"] = "False";
        environment["ANSIBLE_NOCOLOR"] = "1";
        environment["ANSIBLE_DISPLAY_SKIPPED_HOSTS"] = "False";
        // Their configuration may enable inventory plugins without yaml: the vars inventory would then be skipped with a
        // warning and the play would match no host, "succeeding" with every host not attempted. Fail instead.
        environment["ANSIBLE_INVENTORY_UNPARSED_FAILED"] = "True";
        return new CommandLine(Program, "-i", inventory.Path, "-i", Path.Combine(directory, VarsInventory), "--limit", inventory.Group, Path.Combine(directory, playbook))
        {
            WorkingDirectory = inventory.WorkingDirectory,
            Environment = environment,
        };
    }

    /// <summary>How the operator runs a kept playbook again against their own inventory.</summary>
    static string Rerun(AnsibleInventorySource inventory, string directory, string playbook) =>
        $"cd {ShellQuoting.Quote(inventory.WorkingDirectory)} && ANSIBLE_CALLBACKS_ENABLED=tree ANSIBLE_CALLBACK_TREE_DIR={ShellQuoting.Quote(ResultsDirectory(directory))} " +
        "ANSIBLE_FORKS=<the wave size> ANSIBLE_INVENTORY_UNPARSED_FAILED=True " +
        $"{AgentPlaybook.TokenVariable}=<a login token of the control plane> ansible-playbook -i {ShellQuoting.Quote(inventory.Path)} " +
        $"-i {ShellQuoting.Quote(Path.Combine(directory, VarsInventory))} --limit {ShellQuoting.Quote(inventory.Group)} {ShellQuoting.Quote(Path.Combine(directory, playbook))}";

    async Task RunPlaybookAsync(string directory, string playbook, string token, int forks, CancellationToken cancellationToken)
    {
        var command = PlaybookCommand(directory, playbook, token, forks, settings.Inventory);
        // Their inventory's parse errors quote "the offending line" on stderr, maybe a plaintext become password: of an
        // inventory run's stderr only Ansible's headlines are shown (AnsibleErrorLines).
        Action<string> shownError = settings.Inventory is null ? Shown : line => { if (AnsibleErrorLines.IsHeadline(line)) Shown(line); };
        var result = await commands.RunAsync(command, Shown, shownError, cancellationToken);
        // 0: every host ok; 2: a host failed; 4: a host unreachable. The per-host files say which; anything else is Ansible's own failure.
        if (result.ExitCode is not (0 or 2 or 4) && TreeFiles(directory).Count == 0)
            throw new InvalidOperationException(
                $"{Program} {playbook} failed before it reached any host (exit {result.ExitCode}); its files are in {directory}: " +
                AnsibleErrorLines.Headlines(result.StandardError, settings.Inventory is { } inventory ? Rerun(inventory, directory, playbook) : $"{Program} -i inventory.yml {playbook} in {directory}"));
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
