using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Tests.Agents;

public sealed class AgentHostsFileTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("agent-hosts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Write(string json, bool withKey = true)
    {
        if (withKey)
            File.WriteAllText(Path.Combine(_directory, "agent-key"), "not read by the parser");
        var path = Path.Combine(_directory, "agent-hosts.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Reads_hosts_with_defaults_and_resolves_the_key_beside_the_file()
    {
        var path = Write("""
            {
              // Comments and trailing commas are allowed: operators edit this by hand.
              "defaults": { "user": "deploy", "identityFile": "agent-key", "sudo": true, "platform": "linux-amd64" },
              "hosts": [
                { "name": "web-01", "address": "10.0.0.5", "hostKeySha256": "SHA256:abc", "canary": true },
                { "name": "web-02", "address": "10.0.0.6", "port": 2222, "user": "root", "sudo": false, "hostKeySha256": "SHA256:def",
                  "binaryPath": "/opt/nexplane/agent", "service": "agent.service", },
              ]
            }
            """);

        var hosts = AgentHostsFileReader.Load(path);

        Assert.Equal(2, hosts.Count);
        var canary = hosts[0];
        Assert.Equal(("web-01", "10.0.0.5", 22, "deploy", true, true), (canary.Name, canary.Address, canary.Port, canary.User, canary.Sudo, canary.Canary));
        Assert.Equal(Path.Combine(_directory, "agent-key"), canary.IdentityFile);
        Assert.Equal(AgentPlatform.LinuxAmd64, canary.Platform);
        Assert.Equal(("/usr/local/bin/nexplane-agent", "nexplane-agent.service"), (canary.BinaryPath, canary.Service));
        var second = hosts[1];
        Assert.Equal((2222, "root", false, false, "/opt/nexplane/agent", "agent.service"),
            (second.Port, second.User, second.Sudo, second.Canary, second.BinaryPath, second.Service));
    }

    [Fact]
    public void A_local_host_needs_no_SSH_fields_and_ignores_the_SSH_defaults_of_the_others()
    {
        var path = Write("""
            {
              "defaults": { "user": "deploy", "identityFile": "agent-key", "platform": "linux-amd64" },
              "hosts": [
                { "name": "docker-host", "connection": "local", "sudo": true, "binaryPath": "/opt/nexplane/agent" },
                { "name": "web-01", "address": "10.0.0.5", "hostKeySha256": "SHA256:abc" }
              ]
            }
            """);

        var hosts = AgentHostsFileReader.Load(path);

        var local = hosts[0];
        Assert.True(local.Local);
        Assert.Equal(("docker-host", true, "/opt/nexplane/agent", AgentPlatform.LinuxAmd64), (local.Name, local.Sudo, local.BinaryPath, local.Platform));
        Assert.Equal(("", "", ""), (local.Address, local.User, local.IdentityFile));
        Assert.Equal("docker-host (this machine)", local.ToString());
        Assert.False(hosts[1].Local);
        Assert.Equal("web-01 (deploy@10.0.0.5:22)", hosts[1].ToString());
    }

    [Fact]
    public void A_local_host_with_SSH_fields_of_its_own_or_an_unknown_connection_is_refused()
    {
        var path = Write("""
            { "hosts": [
                { "name": "docker-host", "connection": "local", "platform": "linux-amd64", "address": "10.0.0.9", "hostKeySha256": "SHA256:abc" },
                { "name": "web-01", "connection": "telnet", "platform": "linux-amd64", "address": "10.0.0.5", "user": "root", "identityFile": "agent-key", "hostKeySha256": "SHA256:abc" }
            ] }
            """);

        var problem = Assert.Throws<AgentHostsFileException>(() => AgentHostsFileReader.Load(path)).Message;

        Assert.Contains("host 'docker-host': \"address\" is for SSH hosts; a \"local\" host runs its commands on this machine", problem);
        Assert.Contains("host 'docker-host': \"hostKeySha256\" is for SSH hosts", problem);
        Assert.Contains("host 'web-01': \"connection\" must be \"ssh\" or \"local\", got 'telnet'", problem);
        Assert.Contains("has 3 problem(s)", problem);
    }

    [Fact]
    public void Reports_every_problem_of_the_file_at_once()
    {
        var path = Write("""
            { "hosts": [
                { "name": "a", "address": "10.0.0.1", "user": "root", "identityFile": "missing-key", "hostKeySha256": "abc", "platform": "linux-amd64" },
                { "name": "b", "address": "10.0.0.2", "user": "root", "identityFile": "agent-key", "hostKeySha256": "SHA256:x", "platform": "solaris-sparc", "colour": "red" },
                { "name": "c", "user": "root", "identityFile": "agent-key", "hostKeySha256": "SHA256:x", "platform": "linux-arm64", "port": 70000, "binaryPath": "agent" },
                { "name": "C", "address": "10.0.0.4", "user": "root", "identityFile": "agent-key", "hostKeySha256": "SHA256:y", "platform": "linux-arm64" }
            ] }
            """);

        var problem = Assert.Throws<AgentHostsFileException>(() => AgentHostsFileReader.Load(path)).Message;

        Assert.Contains("identity file " + Path.Combine(_directory, "missing-key") + " does not exist", problem);
        Assert.Contains("host 'a': \"hostKeySha256\" must look like ssh-keygen -lf prints it", problem);
        Assert.Contains("host 'b': platform 'solaris-sparc' is not one Nexplane ships", problem);
        Assert.Contains("host 'b': unknown field \"colour\"", problem);
        Assert.Contains("host 'c': \"address\" is missing", problem);
        Assert.Contains("host 'c': \"port\" must be a number from 1 to 65535", problem);
        Assert.Contains("host 'c': \"binaryPath\" must be absolute", problem);
        Assert.Contains("7 problem(s)", problem);
    }

    [Fact]
    public void Refuses_two_hosts_with_the_same_name()
    {
        var path = Write("""
            { "defaults": { "address": "10.0.0.1", "user": "root", "identityFile": "agent-key", "hostKeySha256": "SHA256:x", "platform": "linux-amd64" },
              "hosts": [ { "name": "web-01" }, { "name": "WEB-01" } ] }
            """);

        Assert.Contains("host name 'web-01' appears 2 times", Assert.Throws<AgentHostsFileException>(() => AgentHostsFileReader.Load(path)).Message);
    }

    [Theory]
    [InlineData("{ \"hosts\": [] }", "\"hosts\" is empty")]
    [InlineData("{ \"servers\": [] }", "needs a \"hosts\" array")]
    [InlineData("{ \"hosts\": [ ", "is not valid JSON")]
    public void Refuses_a_file_without_hosts(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<AgentHostsFileException>(() => AgentHostsFileReader.Load(Write(json))).Message);
    }

    [Fact]
    public void Says_when_the_file_does_not_exist()
    {
        var missing = Path.Combine(_directory, "nope.json");
        Assert.Equal($"The agent hosts file {missing} does not exist.", Assert.Throws<AgentHostsFileException>(() => AgentHostsFileReader.Load(missing)).Message);
    }
}
