using System.Linq.Expressions;
using Nuke.Common;

namespace NukeCompat.Tests;

/// <summary>The outcome of an in-process run: exit code, console text and the build object with its statuses.</summary>
public sealed record BuildRunResult<T>(int ExitCode, string Output, T Build, TestRoot Root) where T : NukeBuild
{
    public ExecutionStatus StatusOf(string targetName) =>
        Build.ExecutionPlan.FirstOrDefault(x => x.Name == targetName)?.Status ?? ExecutionStatus.None;

    /// <summary>The names of the targets that ran (succeeded, failed or aborted), in execution order.</summary>
    public IReadOnlyList<string> Executed => Build.ExecutionPlan
        .Where(x => x.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Aborted)
        .Select(x => x.Name)
        .ToList();

    public IReadOnlyList<string> Plan => Build.ExecutionPlan.Select(x => x.Name).ToList();

    /// <summary>The summary table's line for a target.</summary>
    public string SummaryLine(string targetName) =>
        Output.Split('\n').Last(x => x.StartsWith(targetName + " ", StringComparison.Ordinal));
}

public static class TestBuild
{
    /// <summary>Runs <typeparamref name="T"/> in a fresh root with captured output and no colours.</summary>
    public static BuildRunResult<T> Run<T>(
        string arguments = "",
        Dictionary<string, string>? environment = null,
        TestRoot? root = null,
        InterruptSignal? interrupts = null,
        Func<T>? create = null,
        params Expression<Func<T, Target>>[] defaultTargets)
        where T : NukeBuild, new()
    {
        root ??= new TestRoot();
        var output = new StringWriter();
        T? build = null;
        var exitCode = BuildRunner.Run(
            new BuildOptions
            {
                Arguments = Tokenize(arguments),
                RootDirectory = root.Path,
                WorkingDirectory = root.Path,
                EnvironmentVariables = environment ?? new Dictionary<string, string>(),
                Output = output,
                UseColors = false,
                Interrupts = interrupts ?? new InterruptSignal(),
            },
            () => build = (create ?? (() => new T()))(),
            defaultTargets);
        return new BuildRunResult<T>(exitCode, output.ToString(), build!, root);
    }

    /// <summary>Splits on spaces; double quotes keep a token together.</summary>
    public static List<string> Tokenize(string arguments)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in arguments)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                    tokens.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any)
            tokens.Add(current.ToString());
        return tokens;
    }
}
