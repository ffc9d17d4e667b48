using System.Diagnostics;
using Nexplane.Upgrade.Agents;

namespace Nexplane.Upgrade.Tests.Agents;

public sealed class ShellQuotingTests
{
    [Theory]
    [InlineData("/usr/local/bin/nexplane-agent")]
    [InlineData("/opt/it's here/agent")]
    [InlineData("/tmp/$(touch pwned); `id` \"x\" \\ *")]
    public void A_quoted_path_reaches_a_real_shell_verbatim(string path)
    {
        var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "printf %s " + ShellQuoting.Quote(path)]) { RedirectStandardOutput = true })!;
        var printed = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();

        Assert.Equal(path, printed);
    }
}
