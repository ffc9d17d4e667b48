using Nuke.Common.Hosts;
using Spectre.Console;

namespace Nuke.Common.Output;

/// <summary>
/// The console live displays (progress bars) draw on: only an interactive terminal gets one. Not in NUKE, whose
/// targets use Spectre.Console directly. Everything the build prints while a display is live must go through this
/// console, so Spectre can write it above the display instead of through it; the terminal sink does.
/// </summary>
internal static class LiveConsole
{
    /// <summary>Null for CI hosts, pipes and files (they get plain lines), and for TERM=dumb.</summary>
    /// <param name="isTerminal">The output is the process's stdout and that is a terminal.</param>
    public static IAnsiConsole? Detect(TextWriter output, bool isTerminal, IReadOnlyDictionary<string, string> environment, BuildHost host, bool colors)
    {
        if (!isTerminal || host.IsServer || environment.GetValueOrDefault("TERM") == "dumb")
            return null;
        return Create(output, colors);
    }

    public static IAnsiConsole Create(TextWriter output, bool colors) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.Yes,
        ColorSystem = colors ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.Yes,
        Out = new AnsiConsoleOutput(output),
    });
}
