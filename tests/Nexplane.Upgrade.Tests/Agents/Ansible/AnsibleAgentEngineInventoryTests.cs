using System.Text.Json;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>
/// The Ansible engine on hosts of the operator's inventory: their inventory and settings reach the hosts, the tool adds
/// only a vars inventory in rollout order; the token stays in the environment; no host key of the tool's own is pinned.
/// </summary>
public sealed class AnsibleAgentEngineInventoryTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("nexplane-ansible-inventory-").FullName;
    const string Token = "eyJhbGciOiJIUzI1NiJ9.secret-token";
    static readonly AnsibleInventorySource Inventory = new("/srv/ansible/inventory.yml", "nexplane_agents");

    static AgentHost Host(string inventoryName, string agentName, bool canary = false) => new()
    {
        Name = agentName, InventoryHostname = inventoryName, Platform = AgentPlatform.LinuxAmd64, Canary = canary, Sudo = true,
    };

    static readonly AgentHost[] Hosts = [Host("web-01", "web-01.prod"), Host("web-02", "web-02.prod"), Host("web-03", "web-03.prod", canary: true)];

    static readonly IReadOnlyDictionary<AgentPlatform, AgentBinary> Binaries = new Dictionary<AgentPlatform, AgentBinary>
    {
        [AgentPlatform.LinuxAmd64] = new(AgentPlatform.LinuxAmd64, "0.4.0", "nexplane-agent-linux-amd64-0.4.0", "/cache/agent", "ab12", 1),
    };

    /// <summary>ansible-playbook's tree callback leaves the canary's outcome under its inventory name; the rollout then stopped.</summary>
    static CommandAnswer Answer(CommandLine command)
    {
        if (command.Arguments.SequenceEqual(["--version"]))
            return new(0, "ansible-playbook [core 2.14.18]");
        var results = command.Environment["ANSIBLE_CALLBACK_TREE_DIR"]!;
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "web-03"),
            """{"msg": "{\"result\": \"Upgraded\", \"from\": \"0.3.0\", \"to\": \"0.4.0\", \"detail\": \"registered on 0.4.0\", \"seconds\": 2.0}"}""");
        return new(2);
    }

    AnsibleAgentEngine Engine(ICommandRunner commands) =>
        new(commands, new AnsibleEngineSettings(new Uri("http://127.0.0.1:18000"), TimeSpan.FromSeconds(30), _directory, null, Inventory), _ => { });

    [Fact]
    public async Task The_playbook_runs_against_the_operators_inventory_in_its_directory_under_their_config_with_the_token_only_in_the_environment()
    {
        var commands = new RecordingCommandRunner(Answer);
        await Engine(commands).UpgradeAsync(Hosts, Binaries, "0.4.0", 2, Token, CancellationToken.None);

        var upgrade = Path.Combine(_directory, "upgrade");
        var playbook = commands.Commands.Single(c => c.Program == "ansible-playbook" && !c.Arguments.SequenceEqual(["--version"]));
        Assert.Equal(["-i", "/srv/ansible/inventory.yml", "-i", Path.Combine(upgrade, "vars-inventory.yml"), "--limit", "nexplane_agents",
            Path.Combine(upgrade, "upgrade-agents.yml")], playbook.Arguments);
        Assert.Equal("/srv/ansible", playbook.WorkingDirectory);
        // Their ansible.cfg stays theirs: only what the tool needs is set, each setting on its own.
        Assert.DoesNotContain("ANSIBLE_CONFIG", playbook.Environment.Keys);
        Assert.Equal("tree", playbook.Environment["ANSIBLE_CALLBACKS_ENABLED"]);
        Assert.Equal(Path.Combine(upgrade, "results"), playbook.Environment["ANSIBLE_CALLBACK_TREE_DIR"]);
        Assert.Equal("2", playbook.Environment["ANSIBLE_FORKS"]);
        // A vars inventory their enabled plugins cannot read fails the run instead of matching no host.
        Assert.Equal("True", playbook.Environment["ANSIBLE_INVENTORY_UNPARSED_FAILED"]);
        Assert.Equal(Token, playbook.Environment[AgentPlaybook.TokenVariable]);
        Assert.All(commands.Commands, c => Assert.DoesNotContain(c.Arguments, a => a.Contains("secret-token", StringComparison.Ordinal)));
        Assert.All(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories), file => Assert.DoesNotContain("secret-token", File.ReadAllText(file)));
    }

    [Fact]
    public async Task No_host_key_is_scanned_or_pinned_and_no_inventory_or_config_of_the_tools_own_is_written()
    {
        var commands = new RecordingCommandRunner(Answer);
        await Engine(commands).UpgradeAsync(Hosts, Binaries, "0.4.0", 2, Token, CancellationToken.None);

        Assert.DoesNotContain(commands.Commands, c => c.Program == "ssh-keyscan");
        Assert.Equal(["results", "upgrade-agents.yml", "vars-inventory.yml"],
            Directory.GetFileSystemEntries(Path.Combine(_directory, "upgrade")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task The_vars_inventory_orders_the_operators_hosts_canary_first_with_the_run_s_variables_and_none_of_how_to_reach_them()
    {
        await Engine(new RecordingCommandRunner(Answer)).UpgradeAsync(Hosts, Binaries, "0.4.0", 2, Token, CancellationToken.None);

        using var vars = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "upgrade", "vars-inventory.yml")));
        var group = vars.RootElement.GetProperty("all").GetProperty("children").GetProperty(AgentPlaybook.RolloutGroup).GetProperty("hosts");
        Assert.Equal(["web-03", "web-01", "web-02"], group.EnumerateObject().Select(h => h.Name));
        var canary = group.GetProperty("web-03");
        Assert.Equal("web-03.prod", canary.GetProperty("nexplane_agent_name").GetString());
        Assert.Equal("/cache/agent", canary.GetProperty("nexplane_agent_binary").GetString());
        Assert.Equal("ab12", canary.GetProperty("nexplane_agent_sha256").GetString());
        Assert.DoesNotContain(group.EnumerateObject().SelectMany(h => h.Value.EnumerateObject()), v => v.Name.StartsWith("ansible_", StringComparison.Ordinal));
        Assert.Contains($"hosts: {AgentPlaybook.RolloutGroup}", File.ReadAllText(Path.Combine(_directory, "upgrade", "upgrade-agents.yml")));
    }

    [Fact]
    public async Task Each_hosts_outcome_is_read_under_its_inventory_name_and_reported_under_its_agent_name()
    {
        var outcomes = await Engine(new RecordingCommandRunner(Answer)).UpgradeAsync(Hosts, Binaries, "0.4.0", 2, Token, CancellationToken.None);

        Assert.Equal([("web-03.prod", AgentHostResult.Upgraded), ("web-01.prod", AgentHostResult.NotAttempted), ("web-02.prod", AgentHostResult.NotAttempted)],
            outcomes.Select(o => (o.Host, o.Result)));
    }

    [Fact]
    public async Task A_rollback_goes_through_the_same_inventory_one_host_at_a_time_with_the_version_each_goes_back_to()
    {
        var commands = new RecordingCommandRunner(Answer);
        await Engine(commands).RollBackAsync([(Hosts[0], "0.3.0"), (Hosts[1], null)], "0.4.0", Token, CancellationToken.None);

        var rollback = Path.Combine(_directory, "rollback");
        var playbook = commands.Commands.Single(c => c.Program == "ansible-playbook" && !c.Arguments.SequenceEqual(["--version"]));
        Assert.Equal(["-i", "/srv/ansible/inventory.yml", "-i", Path.Combine(rollback, "vars-inventory.yml"), "--limit", "nexplane_agents",
            Path.Combine(rollback, "rollback-agents.yml")], playbook.Arguments);
        Assert.Equal("1", playbook.Environment["ANSIBLE_FORKS"]);
        using var vars = JsonDocument.Parse(File.ReadAllText(Path.Combine(rollback, "vars-inventory.yml")));
        var hosts = vars.RootElement.GetProperty("all").GetProperty("children").GetProperty(AgentPlaybook.RolloutGroup).GetProperty("hosts");
        Assert.Equal("0.3.0", hosts.GetProperty("web-01").GetProperty("nexplane_agent_old_version").GetString());
        Assert.Equal(JsonValueKind.Null, hosts.GetProperty("web-02").GetProperty("nexplane_agent_old_version").ValueKind);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
