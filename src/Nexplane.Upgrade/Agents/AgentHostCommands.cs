using static Nexplane.Upgrade.Agents.ShellQuoting;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// The shell commands the agent step runs on a Linux host with systemd, in one place so the manual-recovery hints
/// print exactly what the tool would have run. With <see cref="AgentHost.Sudo"/> each goes through <c>sudo -n</c>
/// (no password prompt: a missing sudo rule fails at once instead of hanging).
/// </summary>
public sealed class AgentHostCommands(AgentHost host)
{
    public string BinaryPath => host.BinaryPath;
    public string NewBinaryPath => host.BinaryPath + ".new";
    public string OldBinaryPath => host.BinaryPath + ".old";

    string AsRoot(string command) => host.Sudo ? $"sudo -n sh -c {Quote(command)}" : command;

    public string WriteNewBinary => host.Sudo ? $"sudo -n tee {Quote(NewBinaryPath)} >/dev/null" : $"cat > {Quote(NewBinaryPath)}";
    /// <summary>The upload in gzip's format, decompressed on the host (see <see cref="CompressedAgentBinary"/>).</summary>
    public string WriteNewBinaryFromGzip => AsRoot($"gzip -dc > {Quote(NewBinaryPath)}");
    public const string HasGzip = "command -v gzip >/dev/null 2>&1";
    public string HashNewBinary => AsRoot($"sha256sum {Quote(NewBinaryPath)}");
    public string MakeNewBinaryExecutable => AsRoot($"chmod 0755 {Quote(NewBinaryPath)}");
    public string RemoveNewBinary => AsRoot($"rm -f {Quote(NewBinaryPath)}");
    public string Stop => AsRoot($"systemctl stop {Quote(host.Service)}");
    public string Start => AsRoot($"systemctl start {Quote(host.Service)}");
    public string IsActive => AsRoot($"systemctl is-active {Quote(host.Service)}");
    public string LastLogLines => AsRoot($"journalctl -u {Quote(host.Service)} -n 20 --no-pager");

    /// <summary>
    /// Copy, then rename: the binary's path always holds a complete file, the old one or the new one. When the path
    /// already holds the new binary (a run killed after this step, then resumed), the existing .old is the one to keep.
    /// </summary>
    public string KeepOldAndInstallNew =>
        AsRoot($"{{ cmp -s {Quote(BinaryPath)} {Quote(NewBinaryPath)} || cp -p {Quote(BinaryPath)} {Quote(OldBinaryPath)}; }} && mv -f {Quote(NewBinaryPath)} {Quote(BinaryPath)}");

    public string RestoreOldBinary => AsRoot($"cp -p {Quote(OldBinaryPath)} {Quote(BinaryPath + ".rollback")} && mv -f {Quote(BinaryPath + ".rollback")} {Quote(BinaryPath)}");

    /// <summary>What the host says it is (<c>uname -m</c>) and the agent platform that names, if any.</summary>
    public static async Task<(string Machine, AgentPlatform? Platform)> DetectPlatformAsync(IAgentHostShell shell, CancellationToken cancellationToken)
    {
        var machine = await shell.RunAsync("uname -m", cancellationToken);
        return (machine.Output.Trim(), machine.Succeeded ? AgentPlatform.FromUnameMachine(machine.Output) : null);
    }

    /// <summary>Read-only readiness probe: the binary exists and the service runs (and sudo works, when used).</summary>
    public string BinaryExists => AsRoot($"test -f {Quote(BinaryPath)}");
}
