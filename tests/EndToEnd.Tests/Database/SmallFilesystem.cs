using System.Diagnostics;

namespace EndToEnd.Tests.Database;

/// <summary>
/// A tmpfs of a few megabytes mounted over a test directory, to make a disk fill up for real (ENOSPC). Needs root,
/// as these test machines are; unmounted on dispose, lazily if something still holds it, so no mount outlives the test.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    readonly string directory;

    SmallFilesystem(string directory) => this.directory = directory;

    public static async Task<SmallFilesystem> MountAsync(string directory, int sizeMegabytes)
    {
        Directory.CreateDirectory(directory);
        var (exitCode, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={sizeMegabytes}m,mode=0700", "tmpfs", directory);
        if (exitCode != 0)
            throw new InvalidOperationException($"Mounting a {sizeMegabytes} MB tmpfs on {directory} failed (exit {exitCode}): {output}. The disk-full test needs root.");
        return new SmallFilesystem(directory);
    }

    public void Dispose() => RunAsync("umount", "--lazy", directory).GetAwaiter().GetResult();

    static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
