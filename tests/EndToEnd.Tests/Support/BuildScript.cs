using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace EndToEnd.Tests.Support;

/// <summary>What one run of ./build.sh printed and returned.</summary>
public sealed record BuildScriptResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}{Environment.NewLine}{Output}";
}

/// <summary>Runs the real ./build.sh of this checkout as an operator would, capturing everything it prints.</summary>
public static class BuildScript
{
    public static async Task<BuildScriptResult> RunAsync(
        string[] arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        var output = new StringBuilder();
        var result = await Cli.Wrap(System.IO.Path.Combine(RepositoryRoot.Path, "build.sh"))
            .WithArguments(arguments)
            .WithWorkingDirectory(RepositoryRoot.Path)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .ExecuteAsync(cancellation.Token);
        return new BuildScriptResult(result.ExitCode, output.ToString());
    }
}
