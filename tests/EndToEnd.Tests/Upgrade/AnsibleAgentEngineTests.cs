using System.Text.Json;
using System.Text.RegularExpressions;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// A sandbox on 0.3.0 whose second agent host cannot start the 0.4.0 agent, upgraded to 0.4.0 with
/// <c>--agent-engine Ansible --agent-wave-size 1</c> (canary, then one host per batch): the canary is upgraded, the
/// failing host is rolled back inside its batch, the third host's batch never starts. With the cause fixed, the agents
/// alone are run again through Ansible, this time from an inventory as an operator keeps one (their own names for the
/// hosts, connection settings, key, known_hosts, a nested group, the canary marked on the last host, and a host outside the
/// group that cannot be reached), and all three end on 0.4.0. One fixture, two tool runs, to keep CI short.
/// </summary>
public sealed class AnsibleAgentEngineSandbox : IAsyncLifetime
{
    public SandboxInstance Sandbox { get; } = new(44);
    public string Canary => Sandbox.AgentHosts[0];
    public string Failing => Sandbox.AgentHosts[1];
    public string NextBatch => Sandbox.AgentHosts[2];
    public BuildScriptResult Upgrade { get; private set; } = new(-1, "");
    public BuildScriptResult Rerun { get; private set; } = new(-1, "");
    /// <summary>Preflight of 0.4.0 on 0.3.0 with the hosts of the operator's inventory: read-only, a few seconds.</summary>
    public BuildScriptResult InventoryPreflight { get; private set; } = new(-1, "");
    /// <summary>The operator's inventory the rerun takes its hosts from; <see cref="InventoryGroup"/> names them.</summary>
    public string Inventory => Path.Combine(Sandbox.DeployDirectory, "operator-ansible", "inventory.yml");
    public const string InventoryGroup = "nexplane_agents";
    /// <summary>The operator's own name for each agent host (the agent registers under the container's name).</summary>
    public static string InventoryName(int index) => $"agent-{index + 1}";
    public IReadOnlyDictionary<string, string?> HashesBefore { get; private set; } = new Dictionary<string, string?>();

    /// <summary>Each host's binary, .old and .new, and its registered version, right after the failed upgrade.</summary>
    public IReadOnlyDictionary<string, (string? Binary, string? Old, string? New, string? Registered, string Active)> AfterUpgrade { get; private set; } =
        new Dictionary<string, (string?, string?, string?, string?, string)>();

    public async Task InitializeAsync()
    {
        UpgradeRun.ForgetJournalsOf(Sandbox);
        await Sandbox.StartFreshAsync("0.3.0");
        await AgentHostProbe.ExecAsync(Failing, "echo NEXPLANE_AGENT_FAIL_RELEASE=0.4.0 >> /etc/nexplane/agent.env");
        HashesBefore = await HashesAsync("/usr/local/bin/nexplane-agent");
        await WriteOperatorInventoryAsync();
        InventoryPreflight = await BuildScript.RunAsync(["Preflight", "--no-logo", "--version", "0.4.0", "--accept-breaking-changes", .. InventoryArguments],
            timeout: TimeSpan.FromMinutes(2));
        Upgrade = await UpgradeRun.RunAsync(Sandbox, "0.4.0", "--agent-engine", "Ansible", "--agent-wave-size", "1", "--agent-registration-timeout", "5s");

        var registered = await AgentHostProbe.RegisteredVersionsAsync(Sandbox);
        var after = new Dictionary<string, (string?, string?, string?, string?, string)>();
        foreach (var host in Sandbox.AgentHosts)
            after[host] = (await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent"),
                await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.old"),
                await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent.new"),
                registered.GetValueOrDefault(host), (await AgentHostProbe.ExecAsync(host, "systemctl is-active nexplane-agent || true")).Trim());
        AfterUpgrade = after;

        await AgentHostProbe.ExecAsync(Failing, "sed -i '/NEXPLANE_AGENT_FAIL_RELEASE/d' /etc/nexplane/agent.env");
        Rerun = await BuildScript.RunAsync(["Agents", "--skip", "--upgrade-agents", "--no-logo", "--version", "0.4.0", .. InventoryArguments],
            timeout: TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// The instance's parameters with the operator's inventory naming the hosts instead of the hosts file (the shipped
    /// parameters.json's file gives way to the command line).
    /// </summary>
    string[] InventoryArguments
    {
        get
        {
            var arguments = Sandbox.ToolArguments.ToList();
            arguments.RemoveRange(arguments.IndexOf("--agent-hosts-file"), 2);
            return [.. arguments, "--agent-engine", "Ansible", "--agent-inventory", Inventory, "--agent-inventory-group", InventoryGroup];
        }
    }

    /// <summary>
    /// An inventory as an operator writes one for these hosts: a relative key path (Ansible runs in the inventory's
    /// directory), their own known_hosts with strict checking, dropbear's lack of SFTP handled their way, the canary last.
    /// </summary>
    async Task WriteOperatorInventoryAsync()
    {
        var directory = Path.GetDirectoryName(Inventory)!;
        Directory.CreateDirectory(directory);
        using var hostsFile = JsonDocument.Parse(File.ReadAllText(Sandbox.AgentHostsFile));
        var ports = hostsFile.RootElement.GetProperty("hosts").EnumerateArray()
            .ToDictionary(h => h.GetProperty("name").GetString()!, h => h.GetProperty("port").GetInt32());
        var knownHosts = new List<string>();
        foreach (var port in ports.Values)
            knownHosts.AddRange((await AgentHostProbe.KeyscanAsync("127.0.0.1", port)).Where(line => !line.StartsWith('#')));
        File.WriteAllLines(Path.Combine(directory, "known_hosts"), knownHosts);
        string Host(int index, int indent, string extra = "") =>
            $"{new string(' ', indent)}{InventoryName(index)}: {{ ansible_host: 127.0.0.1, ansible_port: {ports[Sandbox.AgentHosts[index]]}, nexplane_agent_name: {Sandbox.AgentHosts[index]}{extra} }}";
        File.WriteAllText(Inventory, $"""
            all:
              children:
                {InventoryGroup}:
                  vars:
                    ansible_user: root
                    ansible_ssh_private_key_file: ../agent-ssh-key
                    ansible_ssh_common_args: -o UserKnownHostsFile={Path.Combine(directory, "known_hosts")} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
                    ansible_ssh_transfer_method: piped
                    nexplane_agent_platform: linux-amd64
                  hosts:
            {Host(0, 8)}
                  children:
                    {InventoryGroup}_rack_b:
                      hosts:
            {Host(1, 12)}
            {Host(2, 12, ", nexplane_agent_canary: true")}
                backups:
                  hosts:
            {"        backup-01: { ansible_host: 127.0.0.1, ansible_port: 1 }"}

            """);
    }

    async Task<IReadOnlyDictionary<string, string?>> HashesAsync(string path)
    {
        var hashes = new Dictionary<string, string?>();
        foreach (var host in Sandbox.AgentHosts)
            hashes[host] = await AgentHostProbe.FileHashAsync(host, path);
        return hashes;
    }

    public Task DisposeAsync() => Sandbox.RemoveAsync();
}

public sealed partial class AnsibleAgentEngineTests(AnsibleAgentEngineSandbox fixture) : IClassFixture<AnsibleAgentEngineSandbox>
{
    readonly SandboxInstance _sandbox = fixture.Sandbox;

    [Fact]
    public void The_upgrade_fails_on_the_agents_and_names_the_rolled_back_host_and_the_one_not_attempted()
    {
        var output = fixture.Upgrade.Output;
        Assert.True(fixture.Upgrade.ExitCode == 255, fixture.Upgrade.ToString());
        Assert.Matches(@"Verify\s+Succeeded", output);
        Assert.Matches(@"Agents\s+Failed", output);
        Assert.Contains("through Ansible", output);
        Assert.Contains($"but 2 of 3 agent host(s) are NOT on 0.4.0: {fixture.Failing} rolled back, 1 not attempted", output);
        // Why the new agent failed, from the host's own log, as the built-in engine prints it.
        Assert.Contains("startup failed on this host", output);
    }

    [Fact]
    public async Task The_canary_moved_the_failing_host_was_rolled_back_and_the_next_batch_never_started()
    {
        var published040 = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.4.0");
        var published030 = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.3.0");
        var canary = fixture.AfterUpgrade[fixture.Canary];
        Assert.Equal((published040, published030, null, "0.4.0", "active"), canary);
        var failing = fixture.AfterUpgrade[fixture.Failing];
        Assert.Equal((fixture.HashesBefore[fixture.Failing], published030, null, "0.3.0", "active"), failing);
        var untouched = fixture.AfterUpgrade[fixture.NextBatch];
        Assert.Equal((fixture.HashesBefore[fixture.NextBatch], null, null, "0.3.0", "active"), untouched);

        using var report = UpgradeRun.ReadReport(fixture.Upgrade);
        var results = report.RootElement.GetProperty("agents").EnumerateArray()
            .ToDictionary(a => a.GetProperty("host").GetString()!, a => a.GetProperty("result").GetString());
        Assert.Equal("Upgraded", results[fixture.Canary]);
        Assert.Equal("RolledBack", results[fixture.Failing]);
        Assert.Equal("NotAttempted", results[fixture.NextBatch]);
    }

    [Fact]
    public void The_journal_keeps_the_moved_host_and_the_engine_for_a_rollback()
    {
        using var report = UpgradeRun.ReadReport(fixture.Upgrade);
        var id = report.RootElement.GetProperty("id").GetString();
        using var journal = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "upgrade", $"{id}.json")));
        Assert.Equal("Ansible", journal.RootElement.GetProperty("agent_engine").GetString());
        Assert.Equal([fixture.Canary], journal.RootElement.GetProperty("upgraded_agents").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void The_playbook_and_inventory_are_kept_beside_the_report_without_a_secret()
    {
        var match = KeptDirectory().Match(fixture.Upgrade.Output);
        Assert.True(match.Success, fixture.Upgrade.ToString());
        var directory = match.Groups["directory"].Value;
        Assert.StartsWith(Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "upgrade", "ansible-"), directory);
        foreach (var file in new[] { "upgrade-agents.yml", "inventory.yml", "ansible.cfg", "known_hosts" })
            Assert.True(File.Exists(Path.Combine(directory, "upgrade", file)), file);
        // Each host's own result, as Ansible's tree callback wrote it: the third host's batch never ran.
        Assert.Equal([fixture.Canary, fixture.Failing], Directory.GetFiles(Path.Combine(directory, "upgrade", "results")).Select(Path.GetFileName).Order());
        var password = File.ReadLines(_sandbox.EnvFile).First(l => l.StartsWith("NEXPLANE_ADMIN_PASSWORD=", StringComparison.Ordinal)).Split('=', 2)[1];
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(password, text);
            // A login token is a JWT: base64 of '{"' opens it.
            Assert.DoesNotContain("eyJ", text);
        }
        Assert.DoesNotContain("eyJ", fixture.Upgrade.Output);
    }

    [Fact]
    public async Task The_agents_run_again_through_Ansible_end_with_all_three_hosts_on_0_4_0()
    {
        Assert.True(fixture.Rerun.ExitCode == 0, fixture.Rerun.ToString());
        // The upgrade moved its canary with the hosts file, the rerun takes the inventory: one rollback cannot read both,
        // so the rerun's hosts stay out of the upgrade's journal, and the operator is told so.
        Assert.Contains("the hosts this run moves are not added to its journal, so its Rollback would not put them back", fixture.Rerun.Output);
        var registered = await AgentHostProbe.RegisteredVersionsAsync(_sandbox);
        var published040 = await AgentHostProbe.PublishedHashAsync(_sandbox, "0.4.0");
        foreach (var host in _sandbox.AgentHosts)
        {
            Assert.Equal("0.4.0", registered[host]);
            Assert.Equal(published040, await AgentHostProbe.FileHashAsync(host, "/usr/local/bin/nexplane-agent"));
        }
        Assert.Contains($"{fixture.Canary}: AlreadyCurrent", fixture.Rerun.Output);
        Assert.Contains($"{fixture.Failing}: Upgraded", fixture.Rerun.Output);
        Assert.Contains($"{fixture.NextBatch}: Upgraded", fixture.Rerun.Output);
    }

    [Fact]
    public void Preflight_asks_the_hosts_of_the_operators_group_through_Ansible_with_their_own_settings_and_changes_nothing()
    {
        Assert.True(fixture.InventoryPreflight.ExitCode == 0, fixture.InventoryPreflight.ToString());
        Assert.Contains($"3 host(s) of group {AnsibleAgentEngineSandbox.InventoryGroup} in {fixture.Inventory} ready through Ansible: " +
                        string.Join(", ", _sandbox.AgentHosts), fixture.InventoryPreflight.Output);
        // Each host answered the probe through Ansible (the relative key and their known_hosts worked); the host outside the group was not asked.
        using var report = UpgradeRun.ReadReport(fixture.InventoryPreflight);
        var probe = Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "upgrade", $"ansible-{report.RootElement.GetProperty("id").GetString()}", "preflight", "results");
        Assert.Equal(Enumerable.Range(0, 3).Select(AnsibleAgentEngineSandbox.InventoryName), Directory.GetFiles(probe).Select(Path.GetFileName).Order());
        Assert.DoesNotContain("backup-01", fixture.InventoryPreflight.Output);
    }

    [Fact]
    public void The_rerun_takes_the_hosts_of_the_operators_group_canary_first_and_the_report_records_the_inventory()
    {
        Assert.True(fixture.Rerun.ExitCode == 0, fixture.Rerun.ToString());
        var output = fixture.Rerun.Output;
        Assert.Contains($"3 host(s) of group {AnsibleAgentEngineSandbox.InventoryGroup} in {fixture.Inventory}", output);
        // The inventory marks the last host the canary: it goes first, alone.
        var order = _sandbox.AgentHosts.Select(host => output.IndexOf($"  {host}: ", StringComparison.Ordinal)).ToArray();
        Assert.All(order, index => Assert.True(index >= 0, output));
        Assert.True(order[2] < order[0] && order[0] < order[1], output);
        // The host outside the group is neither probed nor touched (it could not be reached at all).
        Assert.DoesNotContain("backup-01", output);
        Assert.Contains("registered agent(s) not in the agent hosts group still run an older version", output);

        using var report = UpgradeRun.ReadReport(fixture.Rerun);
        var inventory = report.RootElement.GetProperty("agent_inventory");
        Assert.Equal(fixture.Inventory, inventory.GetProperty("path").GetString());
        Assert.Equal(AnsibleAgentEngineSandbox.InventoryGroup, inventory.GetProperty("group").GetString());
    }

    [Fact]
    public void The_rerun_keeps_a_vars_inventory_over_the_operators_and_pins_no_host_key_of_its_own()
    {
        var match = KeptDirectory().Match(fixture.Rerun.Output);
        Assert.True(match.Success, fixture.Rerun.ToString());
        var upgrade = Path.Combine(match.Groups["directory"].Value, "upgrade");
        Assert.Equal(["results", "upgrade-agents.yml", "vars-inventory.yml"],
            Directory.GetFileSystemEntries(upgrade).Select(Path.GetFileName).Order());
        // Ansible's own per-host results, under the operator's names for the hosts.
        Assert.Equal(Enumerable.Range(0, 3).Select(AnsibleAgentEngineSandbox.InventoryName),
            Directory.GetFiles(Path.Combine(upgrade, "results")).Select(Path.GetFileName).Order());
        var vars = File.ReadAllText(Path.Combine(upgrade, "vars-inventory.yml"));
        Assert.DoesNotContain("ansible_", vars);
        Assert.DoesNotContain("eyJ", vars);
        Assert.DoesNotContain("eyJ", fixture.Rerun.Output);
    }

    [GeneratedRegex(@"ansible-playbook upgrade-agents\.yml in (?<directory>\S+)/upgrade:")]
    private static partial Regex KeptDirectory();
}
