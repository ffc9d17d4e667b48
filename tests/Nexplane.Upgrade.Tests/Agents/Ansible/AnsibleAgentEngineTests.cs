using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>The Ansible engine's commands as data: the token only in ansible-playbook's environment, the host keys checked first.</summary>
public sealed class AnsibleAgentEngineTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("nexplane-ansible-engine-").FullName;
    const string Token = "eyJhbGciOiJIUzI1NiJ9.secret-token";
    const string Key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    readonly List<string> _log = [];

    AgentHost Host(string name, string fingerprint) => new()
    {
        Name = name, Address = "127.0.0.1", Port = 2222, User = "root", IdentityFile = "/keys/agent", HostKeySha256 = fingerprint,
        Platform = AgentPlatform.LinuxAmd64,
    };

    AnsibleAgentEngine Engine(ICommandRunner commands, string? passphrase = null) =>
        new(commands, new AnsibleEngineSettings(new Uri("http://127.0.0.1:18000"), TimeSpan.FromSeconds(30), _directory, passphrase), _log.Add);

    static readonly IReadOnlyDictionary<AgentPlatform, AgentBinary> Binaries = new Dictionary<AgentPlatform, AgentBinary>
    {
        [AgentPlatform.LinuxAmd64] = new(AgentPlatform.LinuxAmd64, "0.4.0", "nexplane-agent-linux-amd64-0.4.0", "/cache/agent", "ab12", 1),
    };

    static CommandAnswer Answer(CommandLine command) => command.Program switch
    {
        "ssh-keyscan" => new(0, $"[127.0.0.1]:2222 ssh-ed25519 {Key}"),
        _ when command.Arguments.SequenceEqual(["--version"]) => new(0, "ansible-playbook [core 2.14.18]"),
        // A host failed: the per-host files say which (none were written here).
        _ => new(2),
    };

    [Fact]
    public async Task The_token_reaches_ansible_playbook_only_through_its_environment_and_no_file_holds_it()
    {
        var commands = new RecordingCommandRunner(Answer);
        var outcomes = await Engine(commands).UpgradeAsync([Host("web-01", KnownHosts.FingerprintOf(Key)!)], Binaries, "0.4.0", 5, Token, CancellationToken.None);

        var playbook = commands.Commands.Single(c => c.Program == "ansible-playbook" && c.Arguments.Contains("upgrade-agents.yml"));
        Assert.Equal(["-i", "inventory.yml", "upgrade-agents.yml"], playbook.Arguments);
        Assert.Equal(Token, playbook.Environment[AgentPlaybook.TokenVariable]);
        Assert.Equal(Path.Combine(_directory, "upgrade"), playbook.WorkingDirectory);
        Assert.All(commands.Commands, c => Assert.DoesNotContain(c.Arguments, a => a.Contains(Token, StringComparison.Ordinal)));
        Assert.All(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories), file => Assert.DoesNotContain("secret-token", File.ReadAllText(file)));
        Assert.Equal([$"[127.0.0.1]:2222 ssh-ed25519 {Key}"], File.ReadAllLines(Path.Combine(_directory, "upgrade", "known_hosts")));
        Assert.Equal(AgentHostResult.NotAttempted, Assert.Single(outcomes).Result);
    }

    [Fact]
    public async Task A_host_showing_another_key_fails_before_ansible_playbook_runs_and_the_others_are_not_attempted()
    {
        var commands = new RecordingCommandRunner(Answer);
        var outcomes = await Engine(commands).UpgradeAsync(
            [Host("web-01", KnownHosts.FingerprintOf(Key)!), Host("web-02", "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og")], Binaries, "0.4.0", 5, Token,
            CancellationToken.None);

        Assert.DoesNotContain(commands.Commands, c => c.Arguments.Contains("upgrade-agents.yml"));
        Assert.Equal([AgentHostResult.NotAttempted, AgentHostResult.NotChanged], outcomes.Select(o => o.Result));
        Assert.Contains("did not show the host key SHA256:ohD8", outcomes[1].Detail);
    }

    [Fact]
    public async Task A_passphrase_is_refused_and_nothing_runs_on_a_host()
    {
        var commands = new RecordingCommandRunner(Answer);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => Engine(commands, passphrase: "hunter2")
            .UpgradeAsync([Host("web-01", KnownHosts.FingerprintOf(Key)!)], Binaries, "0.4.0", 5, Token, CancellationToken.None));
        Assert.Contains("never hands a passphrase to Ansible", exception.Message);
        Assert.Contains("No agent host was touched", exception.Message);
        Assert.DoesNotContain(commands.Commands, c => c.Program == "ssh-keyscan");
    }

    [Fact]
    public async Task A_machine_without_ansible_playbook_is_told_what_to_install()
    {
        var problems = await AnsibleReadiness.ProblemsAsync(new NotInstalled(), null, CancellationToken.None);
        Assert.Contains("apt-get install ansible-core", Assert.Single(problems));
    }

    sealed class NotInstalled : ICommandRunner
    {
        public Task<CommandResult> RunAsync(CommandLine command, Action<string>? onStandardOutput = null, Action<string>? onStandardError = null,
            CancellationToken cancellationToken = default) =>
            throw new CommandNotStartedException(command, new System.ComponentModel.Win32Exception(2, "No such file or directory"));

        public Task<StreamedCommandResult> RunStreamingAsync(CommandLine command, CommandStreams streams, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
