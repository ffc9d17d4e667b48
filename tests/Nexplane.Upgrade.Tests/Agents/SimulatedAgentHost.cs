using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Nexplane.Upgrade.Agents;
using static Nexplane.Upgrade.Agents.ShellQuoting;

namespace Nexplane.Upgrade.Tests.Agents;

/// <summary>
/// An agent host in a temporary directory for the upgrader's specification. Every command the upgrader sends runs for
/// real in /bin/sh (through <see cref="LocalAgentHostShell"/>), on real files: the binary path, its <c>.new</c> and
/// <c>.old</c> files, sha256sum, cmp, cp, mv, chmod. Only what a test machine cannot offer is a shim first on PATH:
/// <c>systemctl</c> (the unit's state is a file; <c>start</c> runs the installed binary), <c>journalctl</c> (the
/// sandbox's own shim, reading the unit's log file) and <c>uname</c> (<c>-m</c> reports the machine the test sets).
/// The "agent binary" is a shell script naming its version: started by the systemctl shim it logs, records which
/// version runs and registers, so the simulated control plane only ever sees the version that is really installed at
/// the binary path when the service starts. A wrong command therefore leaves the wrong files and fails a test.
/// The real thing over SSH with a real control plane is exercised by the end-to-end agent tests against the sandbox.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
sealed class SimulatedAgentHost : IAgentHostShell, IAgentRegistry
{
    const string LastSeenWithinOneSecond = "2026-11-25T21:59:09Z";

    readonly string _root = Directory.CreateTempSubdirectory("simulated-agent-host-").FullName;
    readonly LocalAgentHostShell _shell = new(new Nexplane.Upgrade.Processes.CliWrapCommandRunner());
    readonly string _environment;

    public AgentHost Host { get; }
    public string BinaryPath => Host.BinaryPath;
    public string NewBinaryPath => Host.BinaryPath + ".new";
    public string OldBinaryPath => Host.BinaryPath + ".old";

    public string Machine
    {
        get => File.ReadAllText(State("machine")).Trim();
        set => File.WriteAllText(State("machine"), value + "\n");
    }

    /// <summary>Agents of this version crash right after starting, before registering (the stand-in binary reads this).</summary>
    public string? CrashingVersion
    {
        get => File.Exists(State("crashing-version")) ? File.ReadAllText(State("crashing-version")) : null;
        set => File.WriteAllText(State("crashing-version"), value ?? "");
    }

    /// <summary>Agents of this version run but the control plane never hears from them (e.g. blocked by a firewall).</summary>
    public string? SilentVersion { get; set; }
    /// <summary>The control plane records last_seen in whole seconds: a restart within the second shows the same time.</summary>
    public bool SameSecond { get; set; }
    /// <summary>Flip a byte of every upload, like a damaged transfer.</summary>
    public bool DamageUploads { get; set; }
    /// <summary>False: a host without gzip (a minimal image), which gets the binary uncompressed.</summary>
    public bool HasGzip { get; set; } = true;
    public List<string> Commands { get; } = new();

    public SimulatedAgentHost(string runningVersion, string name = "web-01")
    {
        foreach (var directory in new[] { "usr/local/bin", "shims", "state" })
            Directory.CreateDirectory(Path.Combine(_root, directory));
        Host = new AgentHost
        {
            Name = name, Address = "10.0.0.5", User = "root", IdentityFile = "/key", HostKeySha256 = "SHA256:x", Platform = AgentPlatform.LinuxAmd64,
            BinaryPath = Path.Combine(_root, "usr", "local", "bin", "nexplane-agent"),
        };
        WriteExecutable(Path.Combine(_root, "shims", "systemctl"), SystemctlShim);
        WriteExecutable(Path.Combine(_root, "shims", "uname"), UnameShim(FindOnPath("uname")));
        File.Copy(SandboxShim("journalctl"), Path.Combine(_root, "shims", "journalctl"));
        File.SetUnixFileMode(Path.Combine(_root, "shims", "journalctl"), Executable);
        File.WriteAllText(State("service"), "inactive\n");
        Machine = "x86_64";

        var variables = new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(_root, "shims")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["NEXPLANE_SHIM_BINARY"] = Host.BinaryPath,
            ["NEXPLANE_SHIM_LOG_FILE"] = State("agent.log"),
            ["NEXPLANE_SHIM_STATE_DIR"] = Path.Combine(_root, "state"),
        };
        _environment = string.Join(' ', variables.Select(variable => $"{variable.Key}={Quote(variable.Value)}"));

        Install(Host.BinaryPath, runningVersion);
        var start = _shell.RunAsync(InHost("systemctl start nexplane-agent.service"), CancellationToken.None).GetAwaiter().GetResult();
        if (!start.Succeeded || !ServiceRunning)
            throw new InvalidOperationException($"the simulated host's agent {runningVersion} did not start: {start.Explanation}\n{Log}");
    }

    string State(string name) => Path.Combine(_root, "state", name);

    /// <summary>The command as the host's shell runs it: verbatim in <c>sh -c</c>, with the shims first on PATH.</summary>
    string InHost(string command) => $"exec env {_environment} /bin/sh -c {Quote(command)}";

    public bool ServiceRunning => File.ReadAllText(State("service")).Trim() == "active";

    /// <summary>The version the running agent reported when the systemctl shim started it; null while the unit is not active.</summary>
    public string? RunningVersion => ServiceRunning && File.Exists(State("running")) ? File.ReadAllText(State("running")).Trim() : null;

    public string Log => File.Exists(State("agent.log")) ? File.ReadAllText(State("agent.log")) : "";

    /// <summary>The stand-in agent binary of <paramref name="version"/>: distinct bytes per version, naming it.</summary>
    public static byte[] Binary(string version) => Encoding.ASCII.GetBytes($$"""
        #!/bin/sh
        # nexplane-agent {{version}}
        # A stand-in for the agent, run by the systemctl shim as "<binary> agent": it starts and registers with the
        # control plane (a line in the state directory), or crashes at startup on a host that makes this version crash.
        version='{{version}}'
        [ "${1:-}" = agent ] || { echo "usage: nexplane-agent agent" >&2; exit 2; }
        echo "Nexplane Agent $version starting"
        if [ "$(cat "$NEXPLANE_SHIM_STATE_DIR/crashing-version" 2>/dev/null)" = "$version" ]; then
          echo "ERROR startup failed on this host ($version)" >&2
          exit 1
        fi
        echo "$version" >"$NEXPLANE_SHIM_STATE_DIR/running"
        echo "$version" >>"$NEXPLANE_SHIM_STATE_DIR/registrations"
        echo "registered with control plane as asset 7"

        """.Replace("\r\n", "\n"));

    /// <summary>Puts the binary of <paramref name="version"/> at <paramref name="path"/> on the host, executable.</summary>
    public void Install(string path, string version)
    {
        File.WriteAllBytes(path, Binary(version));
        File.SetUnixFileMode(path, Executable);
    }

    public bool Exists(string path) => File.Exists(path);

    /// <summary>The version the binary at <paramref name="path"/> names; fails when it is no agent binary.</summary>
    public string VersionOf(string path)
    {
        var match = Regex.Match(File.ReadAllText(path), @"^# nexplane-agent (\S+)$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"{path} is not an agent binary");
    }

    public AgentBinary WriteBinaryFile(string version, string directory)
    {
        var path = Path.Combine(directory, $"nexplane-agent-linux-amd64-{version}");
        var bytes = Binary(version);
        File.WriteAllBytes(path, bytes);
        return new AgentBinary(AgentPlatform.LinuxAmd64, version, Path.GetFileName(path), path, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
    }

    /// <summary>The running agent's heartbeat: it registers again (nothing when the service does not run).</summary>
    public void Heartbeat()
    {
        if (RunningVersion is { } version)
            File.AppendAllText(State("registrations"), version + "\n");
    }

    /// <summary>Called on every read of the control plane's record (after the test's configuration is read).</summary>
    public Action? OnRegistryRead { get; set; }

    /// <summary>
    /// The control plane's record of the agent: its latest registration, except those of <see cref="SilentVersion"/>
    /// that never reached it. Each registration is newer than the one before, unless <see cref="SameSecond"/>.
    /// </summary>
    public RegisteredAgent? Registered
    {
        get
        {
            var registrations = File.Exists(State("registrations")) ? File.ReadAllLines(State("registrations")) : [];
            var index = Array.FindLastIndex(registrations, version => version != SilentVersion);
            return index < 0
                ? null
                : new RegisteredAgent(7, Host.Name, "linux", registrations[index], SameSecond ? LastSeenWithinOneSecond : $"heartbeat-{index + 1}");
        }
    }

    public Task<RegisteredAgent?> FindAsync(string hostname, CancellationToken cancellationToken)
    {
        OnRegistryRead?.Invoke();
        return Task.FromResult(hostname == Host.Name ? Registered : null);
    }

    public Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken)
    {
        Commands.Add(command);
        if (!HasGzip && command == AgentHostCommands.HasGzip)
            return Task.FromResult(new RemoteResult(1, "", ""));
        return _shell.RunAsync(InHost(command), cancellationToken);
    }

    public async Task<RemoteResult> RunWithInputAsync(string command, Stream input, CancellationToken cancellationToken)
    {
        Commands.Add(command);
        if (!DamageUploads)
            return await _shell.RunWithInputAsync(InHost(command), input, cancellationToken);
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        bytes[0] ^= 0xff;
        return await _shell.RunWithInputAsync(InHost(command), new MemoryStream(bytes), cancellationToken);
    }

    /// <summary>The upgrader closes its shell after each host; the host itself stays until <see cref="Delete"/>.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Delete() => Directory.Delete(_root, recursive: true);

    const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    static void WriteExecutable(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n"));
        File.SetUnixFileMode(path, Executable);
    }

    /// <summary>
    /// The one unit, nexplane-agent.service; its state (active, inactive, failed) is a file. <c>start</c> runs the
    /// installed binary once as the agent's start-up (systemd's Type=simple: 0 even when the agent then dies), and
    /// refuses a missing or non-executable binary as systemd would. The sandbox's own systemctl shim cannot serve here:
    /// it recognises its agent by the process's command line, which a script agent does not keep.
    /// </summary>
    const string SystemctlShim = """
        #!/bin/sh
        unit=nexplane-agent.service
        state="$NEXPLANE_SHIM_STATE_DIR/service"
        [ $# -eq 2 ] || { echo "systemctl (simulated host): expected '<command> <unit>', got '$*'" >&2; exit 1; }
        case "$2" in
          nexplane-agent | "$unit") ;;
          *) echo "Unit ${2%.service}.service could not be found." >&2; exit 5 ;;
        esac
        case "$1" in
          start)
            [ "$(cat "$state")" = active ] && exit 0
            [ -f "$NEXPLANE_SHIM_BINARY" ] && [ -x "$NEXPLANE_SHIM_BINARY" ] \
              || { echo "Failed to start $unit: $NEXPLANE_SHIM_BINARY is missing or not executable." >&2; exit 1; }
            if "$NEXPLANE_SHIM_BINARY" agent </dev/null >>"$NEXPLANE_SHIM_LOG_FILE" 2>&1; then
              echo active >"$state"
            else
              echo failed >"$state"
            fi
            ;;
          stop)
            rm -f "$NEXPLANE_SHIM_STATE_DIR/running"
            echo inactive >"$state"
            ;;
          is-active)
            current="$(cat "$state")"
            echo "$current"
            [ "$current" = active ] || exit 3
            ;;
          *) echo "systemctl (simulated host): unsupported command '$1'" >&2; exit 1 ;;
        esac

        """;

    static string UnameShim(string realUname) => $"""
        #!/bin/sh
        # uname -m reports the machine the test gave the host; anything else is the real uname.
        if [ "$*" = -m ]; then cat "$NEXPLANE_SHIM_STATE_DIR/machine"; else exec {Quote(realUname)} "$@"; fi

        """;

    static string FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name))
        .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException($"{name} is not on PATH");

    /// <summary>A shim of the sandbox's agent hosts (scripts/sandbox/agent-host/), found above the test assembly.</summary>
    static string SandboxShim(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var shim = Path.Combine(directory.FullName, "scripts", "sandbox", "agent-host", name);
            if (File.Exists(shim))
                return shim;
        }
        throw new InvalidOperationException($"scripts/sandbox/agent-host/{name} was not found above {AppContext.BaseDirectory}");
    }
}
