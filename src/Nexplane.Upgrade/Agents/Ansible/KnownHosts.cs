using System.Security.Cryptography;

namespace Nexplane.Upgrade.Agents.Ansible;

/// <summary>
/// The known_hosts file the Ansible engine's SSH uses: for each host, the keys <c>ssh-keyscan</c> read whose SHA-256
/// fingerprint is the one the agent hosts file names (as the built-in engine checks it). A host showing no such key
/// gets no line, so OpenSSH refuses it (<c>StrictHostKeyChecking=yes</c>): never trust on first use.
/// </summary>
public static class KnownHosts
{
    /// <summary>The fingerprint of a key in OpenSSH's public form (<c>ssh-ed25519 AAAA...</c>), as <c>ssh-keygen -l</c> prints it.</summary>
    public static string? FingerprintOf(string base64Key)
    {
        try
        {
            return "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(base64Key))).TrimEnd('=');
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The lines of <paramref name="keyscanOutput"/> (<c>[address]:port type key</c>, comments skipped) whose key has
    /// <paramref name="fingerprint"/>; empty when the host showed none.
    /// </summary>
    public static IReadOnlyList<string> Matching(IEnumerable<string> keyscanOutput, string fingerprint) =>
        keyscanOutput
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => (Line: line, Fields: line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(entry => entry.Fields.Length >= 3 && FingerprintOf(entry.Fields[2]) == fingerprint)
            .Select(entry => entry.Line)
            .ToArray();

    /// <summary>How OpenSSH names a host in known_hosts: the address alone on port 22, else <c>[address]:port</c>.</summary>
    public static string HostPattern(AgentHost host) => host.Port == 22 ? host.Address : $"[{host.Address}]:{host.Port}";
}
