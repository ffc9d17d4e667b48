using System.Linq.Expressions;
using Nuke.Common.Execution;
using Nuke.Common.Hosts;
using Nuke.Common.IO;
using Serilog;
using Spectre.Console;

namespace Nuke.Common;

/// <summary>
/// Base class of a build. <c>public static int Main() => Execute&lt;Build&gt;(x => x.Compile);</c> runs it with the
/// process's command line; <see cref="BuildRunner"/> runs it in-process with explicit arguments and output.
/// </summary>
public abstract partial class NukeBuild
{
    private static AbsolutePath? _rootDirectory;

    /// <summary>Set once per run, before the build object is created, so field initializers can use it.</summary>
    internal static AbsolutePath? RootDirectoryOrNull => _rootDirectory;

    /// <summary>The directory that contains <c>.nuke/</c> (or the <c>--root</c> value).</summary>
    public static AbsolutePath RootDirectory =>
        _rootDirectory ??= RootDirectoryLocator.TryFind(Environment.CurrentDirectory)
            ?? throw new InvalidOperationException("RootDirectory is unknown: no build is running and no '.nuke' directory was found.");

    /// <summary><c>.nuke/temp</c>: logs and state of the engine and the build.</summary>
    public static AbsolutePath TemporaryDirectory => RootDirectory / ".nuke" / "temp";

    /// <summary>True when a CI server runs the build (the <c>CI</c> variable or a known CI system's variable is set).</summary>
    public static bool IsServerBuild { get; private set; }

    public static bool IsLocalBuild => !IsServerBuild;

    /// <summary>How the command line spells a parameter member, by NUKE's naming rules: <c>GitHubToken</c> is <c>--github-token</c>.</summary>
    public static string ParameterFlag(string memberName) => "--" + Parameters.ParameterNaming.ToKebabCase(memberName);

    /// <summary>The console's verbosity (<c>--verbosity</c>).</summary>
    public static Verbosity Verbosity { get; private set; } = Verbosity.Normal;

    /// <summary>Where the build runs (<c>--host</c>, else detected): a terminal, GitHub Actions or GitLab CI.</summary>
    public static BuildHost Host { get; private set; } = new TerminalHost();

    /// <summary>
    /// The console a live display (progress bars) draws on; null when the output is not an interactive terminal (CI,
    /// a pipe, a file), where progress belongs in plain log lines. Not in NUKE.
    /// </summary>
    public static IAnsiConsole? LiveConsole { get; internal set; }

    /// <summary>This run's own log file, which no later run truncates; null on a CI server (no log files). Not in NUKE.</summary>
    public static AbsolutePath? RunLogFile { get; internal set; }

    internal static void InitializeRun(AbsolutePath rootDirectory, bool isServerBuild, Verbosity verbosity, BuildHost host)
    {
        _rootDirectory = rootDirectory;
        RunLogFile = null;
        IsServerBuild = isServerBuild || host.IsServer;
        Verbosity = verbosity;
        Host = host;
    }

    /// <summary>Runs the build with the process's command line and console, and returns the exit code.</summary>
    protected static int Execute<T>(params Expression<Func<T, Target>>[] defaultTargets)
        where T : NukeBuild, new() =>
        BuildRunner.Run(BuildOptions.FromProcess(), defaultTargets);

    /// <summary>
    /// Adds sinks (e.g. a JSON audit log) to the run's logger. Everything written to them is redacted like the
    /// console. Called once per run, before any target is discovered.
    /// </summary>
    protected internal virtual void ConfigureLogging(LoggerConfiguration configuration)
    {
    }

    protected internal virtual void OnBuildCreated()
    {
    }

    protected internal virtual void OnBuildInitialized()
    {
    }

    protected internal virtual void OnBuildFinished()
    {
    }

    protected internal virtual void OnTargetRunning(string target)
    {
    }

    protected internal virtual void OnTargetSkipped(string target)
    {
    }

    protected internal virtual void OnTargetSucceeded(string target)
    {
    }

    protected internal virtual void OnTargetFailed(string target)
    {
    }

    /// <summary>
    /// The terminal went away (SIGHUP, or a write to it failed); the build goes on, writing to its log files only. Not in
    /// NUKE. Called once, on the thread that noticed, possibly while a target runs: keep it short and thread-safe.
    /// </summary>
    protected internal virtual void OnTerminalHungUp()
    {
    }
}
