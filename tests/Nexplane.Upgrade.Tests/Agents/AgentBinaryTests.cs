using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Tests.Agents;

public sealed class AgentBinaryTests
{
    const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Theory]
    [InlineData(Hash + "  dist/nexplane-agent-linux-amd64-0.4.0\n")]
    [InlineData(Hash + "\n")]
    [InlineData("  9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 *nexplane-agent-linux-amd64-0.4.0")]
    public void Reads_the_hash_from_the_first_field_of_the_checksum_file(string text)
    {
        Assert.Equal(Hash, AgentBinary.ParseChecksumFile(text, "nexplane-agent-linux-amd64-0.4.0"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>Not Found</html>")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015  dist/short-md5")]
    public void Refuses_a_checksum_file_without_a_sha256(string text)
    {
        var problem = Assert.Throws<AgentBinaryException>(() => AgentBinary.ParseChecksumFile(text, "nexplane-agent-linux-amd64-0.4.0")).Message;
        Assert.StartsWith("nexplane-agent-linux-amd64-0.4.0.sha256 does not start with a SHA-256 hash", problem);
    }

    [Fact]
    public void Names_the_assets_as_Nexplane_publishes_them()
    {
        Assert.Equal("nexplane-agent-linux-arm64-0.4.0", AgentPlatform.LinuxArm64.AssetName("0.4.0"));
        Assert.Equal("nexplane-agent-windows-amd64-0.4.0.exe", AgentPlatform.WindowsAmd64.AssetName("0.4.0"));
        Assert.Equal(AgentPlatform.LinuxAmd64, AgentPlatform.FromUnameMachine("x86_64\n"));
        Assert.Equal(AgentPlatform.LinuxArm64, AgentPlatform.FromUnameMachine("aarch64"));
        Assert.Null(AgentPlatform.FromUnameMachine("riscv64"));
    }
}
