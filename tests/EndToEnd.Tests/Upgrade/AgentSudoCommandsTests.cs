using System.Security.Cryptography;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Agents;

namespace EndToEnd.Tests.Upgrade;

/// <summary>
/// The agent step's file commands in their <c>"sudo": true</c> form (each wrapped in <c>sudo -n sh -c '...'</c>),
/// run for real through sudo and /bin/sh on this machine (the test environment installs sudo; the tests run as
/// root, so sudo needs no rule), on a binary path with a space and a quote in it: the nested quoting must hold.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentSudoCommandsTests : IAsyncLifetime
{
    readonly string _directory = Path.Combine(Directory.CreateTempSubdirectory("agent-sudo-").FullName, "it's a dir");
    AgentHost _host = null!;
    AgentHostCommands _commands = null!;
    readonly LocalAgentHostShell _shell = new(new Nexplane.Upgrade.Processes.CliWrapCommandRunner());

    static readonly byte[] OldBinary = RandomNumberGenerator.GetBytes(40_000);
    static readonly byte[] NewBinary = RandomNumberGenerator.GetBytes(50_000);

    public async Task InitializeAsync()
    {
        await SandboxInstance.EnsureEnvironmentAsync();
        Directory.CreateDirectory(_directory);
        _host = new AgentHost { Name = "docker-host", Local = true, Sudo = true, Platform = AgentPlatform.LinuxAmd64, BinaryPath = Path.Combine(_directory, "nexplane agent") };
        _commands = new AgentHostCommands(_host);
        await File.WriteAllBytesAsync(_host.BinaryPath, OldBinary);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
        return Task.CompletedTask;
    }

    async Task RunAsync(string command)
    {
        var result = await _shell.RunAsync(command, CancellationToken.None);
        Assert.True(result.Succeeded, $"{command}: {result.Explanation}");
    }

    [Fact]
    public async Task Upload_hash_swap_and_restore_work_through_sudo_on_an_awkward_path()
    {
        Assert.All(new[] { _commands.HashNewBinary, _commands.KeepOldAndInstallNew, _commands.RestoreOldBinary, _commands.Stop },
            command => Assert.StartsWith("sudo -n sh -c ", command));

        var upload = await _shell.RunWithInputAsync(_commands.WriteNewBinary, new MemoryStream(NewBinary), CancellationToken.None);
        Assert.True(upload.Succeeded, upload.Explanation);
        Assert.Equal(NewBinary, await File.ReadAllBytesAsync(_commands.NewBinaryPath));

        var hash = await _shell.RunAsync(_commands.HashNewBinary, CancellationToken.None);
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(NewBinary)) + " ", hash.Output);

        await RunAsync(_commands.MakeNewBinaryExecutable);
        Assert.True(File.GetUnixFileMode(_commands.NewBinaryPath).HasFlag(UnixFileMode.UserExecute));

        await RunAsync(_commands.KeepOldAndInstallNew);
        Assert.Equal(NewBinary, await File.ReadAllBytesAsync(_host.BinaryPath));
        Assert.Equal(OldBinary, await File.ReadAllBytesAsync(_commands.OldBinaryPath));
        Assert.False(File.Exists(_commands.NewBinaryPath));

        await RunAsync(_commands.RestoreOldBinary);
        Assert.Equal(OldBinary, await File.ReadAllBytesAsync(_host.BinaryPath));
    }

    [Fact]
    public async Task The_compressed_upload_is_decompressed_through_sudo_on_an_awkward_path()
    {
        Assert.StartsWith("sudo -n sh -c ", _commands.WriteNewBinaryFromGzip);
        var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            await gzip.WriteAsync(NewBinary);
        compressed.Position = 0;

        var upload = await _shell.RunWithInputAsync(_commands.WriteNewBinaryFromGzip, compressed, CancellationToken.None);

        Assert.True(upload.Succeeded, upload.Explanation);
        Assert.Equal(NewBinary, await File.ReadAllBytesAsync(_commands.NewBinaryPath));
    }
}
