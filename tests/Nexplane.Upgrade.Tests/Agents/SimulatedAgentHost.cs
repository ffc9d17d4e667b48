using System.Security.Cryptography;
using System.Text;
using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Tests.Agents;

/// <summary>
/// An agent host in memory for the upgrader's specification: files, a systemd service, and the control plane's
/// registration record. It understands exactly the commands <see cref="AgentHostCommands"/> builds, and anything else
/// fails, so a test notices a command the upgrader was not meant to run. The real thing (SSH, systemctl, a control
/// plane) is exercised by the end-to-end agent tests against the sandbox's agent hosts.
/// </summary>
sealed class SimulatedAgentHost : IAgentHostShell, IAgentRegistry
{
    public static readonly AgentHost Host = new()
    {
        Name = "web-01", Address = "10.0.0.5", User = "root", IdentityFile = "/key", HostKeySha256 = "SHA256:x", Platform = AgentPlatform.LinuxAmd64,
    };

    readonly AgentHostCommands _commands = new(Host);
    readonly Dictionary<string, string> _versionsByContent = new();
    int _heartbeats;

    public Dictionary<string, byte[]> Files { get; } = new();
    public bool ServiceRunning { get; private set; } = true;
    public string Machine { get; set; } = "x86_64";
    /// <summary>Agents of this version crash right after starting, before registering.</summary>
    public string? CrashingVersion { get; set; }
    /// <summary>Agents of this version run but never manage to register (e.g. blocked by a firewall).</summary>
    public string? SilentVersion { get; set; }
    /// <summary>The control plane records last_seen in whole seconds: a restart within the second shows the same time.</summary>
    public bool SameSecond { get; set; }
    /// <summary>Flip a byte of every upload, like a damaged transfer.</summary>
    public bool DamageUploads { get; set; }
    public List<string> Commands { get; } = new();
    public RegisteredAgent? Registered { get; private set; }

    public SimulatedAgentHost(string runningVersion)
    {
        Files[Host.BinaryPath] = Binary(runningVersion);
        Register();
    }

    /// <summary>Distinct bytes per version; the host knows which version each content is, as the real agent does.</summary>
    public byte[] Binary(string version)
    {
        var bytes = Encoding.ASCII.GetBytes($"nexplane-agent {version}");
        _versionsByContent[Convert.ToHexString(bytes)] = version;
        return bytes;
    }

    public string VersionOf(string path) => _versionsByContent[Convert.ToHexString(Files[path])];

    public AgentBinary WriteBinaryFile(string version, string directory)
    {
        var path = Path.Combine(directory, $"nexplane-agent-linux-amd64-{version}");
        var bytes = Binary(version);
        File.WriteAllBytes(path, bytes);
        return new AgentBinary(AgentPlatform.LinuxAmd64, version, Path.GetFileName(path), path, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
    }

    /// <summary>The running agent's heartbeat: registers again.</summary>
    public void Heartbeat() => Register();

    void Register()
    {
        var version = VersionOf(Host.BinaryPath);
        if (version == SilentVersion)
            return;
        Registered = new RegisteredAgent(7, Host.Name, "linux", version, SameSecond ? "2026-11-25T21:59:09Z" : $"heartbeat-{++_heartbeats}");
    }

    public Task<RegisteredAgent?> FindAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult(hostname == Host.Name ? Registered : null);

    public Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken)
    {
        Commands.Add(command);
        RemoteResult Ok(string output = "") => new(0, output, "");
        if (command == "uname -m") return Task.FromResult(Ok(Machine + "\n"));
        if (command == _commands.HashNewBinary)
            return Task.FromResult(Files.TryGetValue(_commands.NewBinaryPath, out var uploaded)
                ? Ok($"{Convert.ToHexStringLower(SHA256.HashData(uploaded))}  {_commands.NewBinaryPath}\n")
                : new RemoteResult(1, "", "sha256sum: no such file"));
        if (command == _commands.MakeNewBinaryExecutable) return Task.FromResult(Ok());
        if (command == _commands.RemoveNewBinary) { Files.Remove(_commands.NewBinaryPath); return Task.FromResult(Ok()); }
        if (command == _commands.Stop) { ServiceRunning = false; return Task.FromResult(Ok()); }
        if (command == _commands.KeepOldAndInstallNew)
        {
            if (!Files[_commands.BinaryPath].AsSpan().SequenceEqual(Files[_commands.NewBinaryPath]))
                Files[_commands.OldBinaryPath] = Files[_commands.BinaryPath];
            Files[_commands.BinaryPath] = Files[_commands.NewBinaryPath];
            Files.Remove(_commands.NewBinaryPath);
            return Task.FromResult(Ok());
        }
        if (command == _commands.RestoreOldBinary) { Files[_commands.BinaryPath] = Files[_commands.OldBinaryPath]; return Task.FromResult(Ok()); }
        if (command == _commands.Start)
        {
            ServiceRunning = VersionOf(Host.BinaryPath) != CrashingVersion;
            if (ServiceRunning)
                Register();
            return Task.FromResult(Ok());
        }
        if (command == _commands.IsActive) return Task.FromResult(ServiceRunning ? Ok("active\n") : new RemoteResult(3, "inactive\n", ""));
        if (command == _commands.LastLogLines) return Task.FromResult(Ok($"ERROR startup failed on this host ({VersionOf(Host.BinaryPath)})\n"));
        return Task.FromResult(new RemoteResult(127, "", $"simulated host: unexpected command {command}"));
    }

    public async Task<RemoteResult> RunWithInputAsync(string command, Stream input, CancellationToken cancellationToken)
    {
        Commands.Add(command);
        if (command != _commands.WriteNewBinary)
            return new RemoteResult(127, "", $"simulated host: unexpected command {command}");
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (DamageUploads)
            bytes[0] ^= 0xff;
        Files[_commands.NewBinaryPath] = bytes;
        return new RemoteResult(0, "", "");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

}
