using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Agents;

/// <summary>What the agent step will need, checked before the upgrade changes anything.</summary>
public sealed record AgentPreflightResult(IReadOnlyList<AgentHost> Hosts, IReadOnlyList<AgentBinary> Binaries, IReadOnlyList<string> Problems, IReadOnlyList<string> Notices);

/// <summary>
/// Read-only checks for the agent step, run by Preflight when the release requires an agent upgrade: the agent hosts
/// file is valid, every host is Linux, answers (over SSH: with the expected host key), has the agent binary and a
/// running service, and the release's binary for each platform downloads and matches its checksum. A problem here
/// stops the upgrade before the control plane goes down, instead of failing the agent step after it.
/// </summary>
public sealed class AgentPreflight(AgentHostConnector connect, Func<NexplaneVersion, AgentPlatform, CancellationToken, Task<AgentBinary>> fetchBinary)
{
    public async Task<AgentPreflightResult> RunAsync(string hostsFile, NexplaneVersion target, CancellationToken cancellationToken)
    {
        IReadOnlyList<AgentHost> hosts;
        try
        {
            hosts = AgentHostsFileReader.Load(hostsFile);
        }
        catch (AgentHostsFileException exception)
        {
            return new([], [], [exception.Message], []);
        }

        var linux = hosts.Where(h => h.Platform.IsLinux).ToArray();
        var probes = await Task.WhenAll(linux.Select(host => ProbeAsync(host, cancellationToken)));
        return await CheckAsync(hosts, probes.OfType<string>().ToArray(), target, cancellationToken);
    }

    /// <summary>
    /// The checks every host source shares, for hosts already read and asked by their own means (<paramref name="hostProblems"/>):
    /// Linux only, and the release's verified binary for each platform.
    /// </summary>
    public async Task<AgentPreflightResult> CheckAsync(IReadOnlyList<AgentHost> hosts, IReadOnlyList<string> hostProblems, NexplaneVersion target,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>(hostProblems);
        foreach (var host in hosts.Where(h => !h.Platform.IsLinux))
            problems.Add($"{host.Name} is a {host.Platform} host: the tool upgrades Linux hosts with systemd only. Remove it from the file and " +
                         $"upgrade it by hand with {host.Platform.AssetName(target.ToString())} from release {target.GitTag} (check its .sha256).");
        var linuxHosts = hosts.Where(h => h.Platform.IsLinux).ToArray();

        var binaries = new List<AgentBinary>();
        foreach (var platform in linuxHosts.Select(h => h.Platform).Distinct())
        {
            try
            {
                binaries.Add(await fetchBinary(target, platform, cancellationToken));
            }
            catch (Exception exception) when (exception is AgentBinaryException or ReleaseSourceException)
            {
                problems.Add(exception.Message);
            }
        }
        var notices = binaries.Select(b => $"Agent binary {b.AssetName}: sha256 {b.Sha256} verified ({b.Size / 1024} KiB)").ToList();
        return new(hosts, binaries, problems, notices);
    }

    async Task<string?> ProbeAsync(AgentHost host, CancellationToken cancellationToken)
    {
        try
        {
            await using var shell = await connect(host, cancellationToken);
            var commands = new AgentHostCommands(host);
            var (machine, platform) = await AgentHostCommands.DetectPlatformAsync(shell, cancellationToken);
            if (platform != host.Platform)
                return $"{host.Name} reports machine '{machine}' ({platform?.Name ?? "no agent platform"}), but the agent hosts file says {host.Platform}.";
            var binary = await shell.RunAsync(commands.BinaryExists, cancellationToken);
            if (!binary.Succeeded)
                return $"{host.Name} has no agent binary at {host.BinaryPath}{(host.Sudo ? " (or sudo -n is not allowed)" : "")}: {binary.Explanation}. Fix binaryPath in the agent hosts file.";
            var active = await shell.RunAsync(commands.IsActive, cancellationToken);
            if (!active.Succeeded)
                return $"{host.Name}: the service {host.Service} is not running ({active.Explanation}). Start it, or fix \"service\" in the agent hosts file, before upgrading.";
            return null;
        }
        catch (AgentHostConnectionException exception)
        {
            return exception.Message;
        }
    }
}
