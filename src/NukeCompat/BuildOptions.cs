using Spectre.Console;

namespace Nuke.Common;

/// <summary>Everything a run reads from its surroundings; the defaults are the current process's.</summary>
public sealed class BuildOptions
{
    /// <summary>The command-line tokens after the program name.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Where the search for <c>.nuke/</c> starts, and what a bare <c>--root</c> means.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Uses this root directly instead of <c>--root</c> or the search for <c>.nuke/</c>.</summary>
    public string? RootDirectory { get; init; }

    /// <summary>The environment variables parameters are read from; null means the process's.</summary>
    public IReadOnlyDictionary<string, string>? EnvironmentVariables { get; init; }

    /// <summary>The console output; null means <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Forces ANSI colours on or off; null detects a terminal (and honours NO_COLOR).</summary>
    public bool? UseColors { get; init; }

    /// <summary>The console live displays draw on (tests pass a recording one); null detects an interactive terminal.</summary>
    public IAnsiConsole? LiveConsole { get; init; }

    /// <summary>The source of Ctrl+C; null means SIGINT and SIGTERM of this process.</summary>
    public InterruptSignal? Interrupts { get; init; }

    /// <summary>The source of a terminal's hang-up; null means SIGHUP of this process.</summary>
    public HangUpSignal? HangUps { get; init; }

    public static BuildOptions FromProcess() => new()
    {
        Arguments = Environment.GetCommandLineArgs().Skip(1).ToList(),
    };
}
