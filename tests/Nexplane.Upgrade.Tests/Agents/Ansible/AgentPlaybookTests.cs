using System.Text.Json;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>
/// The playbooks and inventory the Ansible engine writes: the rollout's promises as Ansible keywords, no secret in any
/// file, and real ansible-playbook (installed by scripts/test-env.sh) accepting them (<c>--syntax-check</c>, <c>--list-hosts</c>).
/// </summary>
public sealed class AgentPlaybookTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("nexplane-playbook-").FullName;
    static readonly AgentPlaybookSettings Settings = new(new Uri("http://127.0.0.1:18000/"), "0.4.0", 5, TimeSpan.FromSeconds(60));

    static AgentHost Host(string name, bool canary = false, int port = 22, bool sudo = false) => new()
    {
        Name = name, Address = "10.0.0." + name.Length, Port = port, User = "deploy", IdentityFile = "/keys/agents key",
        HostKeySha256 = "SHA256:x", Platform = AgentPlatform.LinuxAmd64, Canary = canary, Sudo = sudo,
    };

    static readonly AgentHost[] Hosts = [Host("web-01"), Host("web-02", canary: true, port: 2222, sudo: true), Host("web-03"),
        new() { Name = "docker-host", Local = true, Platform = AgentPlatform.LinuxAmd64 }];

    string WriteAll(string playbook)
    {
        File.WriteAllText(Path.Combine(_directory, "inventory.yml"), AnsibleInventory.Write(AnsibleInventory.InRolloutOrder(Hosts),
            _ => new Dictionary<string, JsonNode?> { ["nexplane_agent_binary"] = "/cache/nexplane-agent", ["nexplane_agent_sha256"] = "ab12" },
            Path.Combine(_directory, "known_hosts")));
        File.WriteAllText(Path.Combine(_directory, "ansible.cfg"), AgentPlaybook.Config(5));
        var file = Path.Combine(_directory, "playbook.yml");
        File.WriteAllText(file, playbook);
        return file;
    }

    async Task<BufferedCommandResult> AnsiblePlaybookAsync(params string[] arguments) =>
        await Cli.Wrap("ansible-playbook").WithArguments(["-i", Path.Combine(_directory, "inventory.yml"), .. arguments])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["ANSIBLE_CONFIG"] = Path.Combine(_directory, "ansible.cfg") })
            .WithWorkingDirectory(_directory).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    [Fact]
    public void The_upgrade_playbook_takes_the_canary_alone_then_batches_and_stops_at_the_first_failed_host()
    {
        var playbook = AgentPlaybook.Upgrade(Settings);
        Assert.Contains("serial: [1, 5]", playbook);
        Assert.Contains("max_fail_percentage: 0", playbook);
        Assert.Contains("order: inventory", playbook);
        // The copy is hashed on the host and compared before the service is stopped.
        Assert.True(playbook.IndexOf("checksum_algorithm: sha256", StringComparison.Ordinal) < playbook.IndexOf("Stop the agent service", StringComparison.Ordinal));
        Assert.Contains("nexplane_agent_sha256", playbook);
        Assert.Contains(".old", playbook);
        Assert.Contains("rescue:", playbook);
    }

    [Fact]
    public void Every_task_that_carries_the_token_is_no_log_and_reads_it_from_the_environment()
    {
        foreach (var playbook in new[] { AgentPlaybook.Upgrade(Settings), AgentPlaybook.Rollback(Settings) })
        {
            var tasks = playbook.Split("- name: ").Where(task => task.Contains("Authorization", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(tasks);
            Assert.All(tasks, task =>
            {
                Assert.Contains("no_log: true", task);
                Assert.Contains($"lookup('ansible.builtin.env', '{AgentPlaybook.TokenVariable}')", task);
            });
        }
    }

    [Fact]
    public void The_inventory_lists_the_canary_first_with_each_hosts_connection_and_no_secret()
    {
        var file = WriteAll(AgentPlaybook.Upgrade(Settings));
        using var inventory = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "inventory.yml")));
        var hosts = inventory.RootElement.GetProperty("all").GetProperty("children").GetProperty(AgentPlaybook.Group).GetProperty("hosts");
        Assert.Equal(["web-02", "web-01", "web-03", "docker-host"], hosts.EnumerateObject().Select(h => h.Name));
        var canary = hosts.GetProperty("web-02");
        Assert.Equal(2222, canary.GetProperty("ansible_port").GetInt32());
        Assert.True(canary.GetProperty("ansible_become").GetBoolean());
        Assert.Contains("StrictHostKeyChecking=yes", canary.GetProperty("ansible_ssh_common_args").GetString());
        Assert.Equal("/keys/agents key", canary.GetProperty("ansible_ssh_private_key_file").GetString());
        Assert.Equal("local", hosts.GetProperty("docker-host").GetProperty("ansible_connection").GetString());
        Assert.False(hosts.GetProperty("docker-host").TryGetProperty("ansible_host", out _));
        Assert.DoesNotContain("token", File.ReadAllText(Path.Combine(_directory, "inventory.yml")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ansible_accepts_the_upgrade_playbook_and_its_inventory()
    {
        var playbook = WriteAll(AgentPlaybook.Upgrade(Settings));
        var syntax = await AnsiblePlaybookAsync("--syntax-check", playbook);
        Assert.True(syntax.ExitCode == 0, syntax.StandardOutput + syntax.StandardError);
        var listed = await AnsiblePlaybookAsync("--list-hosts", playbook);
        Assert.True(listed.ExitCode == 0, listed.StandardOutput + listed.StandardError);
        // The canary is the first batch because the inventory lists it first (order: inventory), as the inventory test checks.
        Assert.Contains("hosts (4):", listed.StandardOutput);
    }

    [Fact]
    public async Task Ansible_accepts_the_rollback_playbook()
    {
        var playbook = WriteAll(AgentPlaybook.Rollback(Settings));
        var syntax = await AnsiblePlaybookAsync("--syntax-check", playbook);
        Assert.True(syntax.ExitCode == 0, syntax.StandardOutput + syntax.StandardError);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
