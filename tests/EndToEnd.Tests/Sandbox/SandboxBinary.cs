using CliWrap;
using CliWrap.Buffered;

namespace EndToEnd.Tests.Sandbox;

/// <summary>
/// Finds the nexplane-sandbox executable once per test run: <c>NEXPLANE_SANDBOX_BINARY</c> if set (e.g. the AOT
/// publish CI already made), otherwise a fresh <c>dotnet build</c> of src/Nexplane.Sandbox, so tests never run a stale binary.
/// </summary>
public static class SandboxBinary
{
    static readonly Lazy<Task<string>> Located = new(LocateAsync);

    public static Task<string> PathAsync() => Located.Value;

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "nexplane-upgrade.slnx")))
                return directory.FullName;
        throw new InvalidOperationException($"Cannot find the repository root (nexplane-upgrade.slnx) above {AppContext.BaseDirectory}.");
    }

    static async Task<string> LocateAsync()
    {
        if (Environment.GetEnvironmentVariable("NEXPLANE_SANDBOX_BINARY") is { Length: > 0 } given)
            return File.Exists(given)
                ? given
                : throw new InvalidOperationException($"NEXPLANE_SANDBOX_BINARY points at {given}, which does not exist.");

        var project = Path.Combine(RepositoryRoot(), "src", "Nexplane.Sandbox", "Nexplane.Sandbox.csproj");
        var build = await Cli.Wrap("dotnet")
            .WithArguments(["build", project, "-c", "Debug", "--nologo", "-v", "quiet", "-nodeReuse:false"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (build.ExitCode != 0)
            throw new InvalidOperationException($"dotnet build of the sandbox failed (exit {build.ExitCode}):\n{build.StandardOutput}\n{build.StandardError}");

        var binary = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "net10.0", "nexplane-sandbox");
        return File.Exists(binary) ? binary : throw new InvalidOperationException($"dotnet build succeeded but {binary} is missing.");
    }
}
