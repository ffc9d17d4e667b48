using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Agents.Ansible;

namespace Nexplane.Upgrade.Tests.Agents.Ansible;

/// <summary>The Ansible engine's known_hosts keeps only the keys the agent hosts file's fingerprints name.</summary>
public sealed class KnownHostsTests
{
    // An ed25519 public key and its fingerprint as `ssh-keygen -lf` prints it.
    const string Key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    [Fact]
    public void Only_the_key_with_the_named_fingerprint_is_kept()
    {
        var fingerprint = KnownHosts.FingerprintOf(Key)!;
        Assert.StartsWith("SHA256:", fingerprint);
        Assert.DoesNotContain("=", fingerprint);
        string[] scan = ["# 127.0.0.1:2222 SSH-2.0-dropbear", $"[127.0.0.1]:2222 ssh-ed25519 {Key}", "[127.0.0.1]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ=="];
        Assert.Equal([$"[127.0.0.1]:2222 ssh-ed25519 {Key}"], KnownHosts.Matching(scan, fingerprint));
        Assert.Empty(KnownHosts.Matching(scan, "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og"));
    }

    [Fact]
    public async Task The_fingerprint_is_the_one_ssh_keygen_prints()
    {
        var directory = Directory.CreateTempSubdirectory("nexplane-keys-").FullName;
        try
        {
            var file = Path.Combine(directory, "key.pub");
            await File.WriteAllTextAsync(file, $"ssh-ed25519 {Key} test\n");
            var printed = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(CliWrap.Cli.Wrap("ssh-keygen").WithArguments(["-lf", file]));
            Assert.Equal(printed.StandardOutput.Split(' ')[1], KnownHosts.FingerprintOf(Key));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void OpenSSH_names_a_host_off_port_22_with_brackets()
    {
        Assert.Equal("10.0.0.5", KnownHosts.HostPattern(new AgentHost { Name = "a", Address = "10.0.0.5", Platform = AgentPlatform.LinuxAmd64 }));
        Assert.Equal("[10.0.0.5]:2222", KnownHosts.HostPattern(new AgentHost { Name = "a", Address = "10.0.0.5", Port = 2222, Platform = AgentPlatform.LinuxAmd64 }));
    }
}
