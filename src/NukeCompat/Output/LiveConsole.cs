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
    /// <param name="output">The process's stdout, which tells the terminal's size.</param>
    /// <param name="writer">What the console writes through: <paramref name="output"/> until the terminal goes away.</param>
    /// <param name="isTerminal">The output is the process's stdout and that is a terminal.</param>
    public static IAnsiConsole? Detect(TextWriter output, TextWriter writer, bool isTerminal, IReadOnlyDictionary<string, string> environment,
        BuildHost host, bool colors)
    {
        if (!isTerminal || host.IsServer || environment.GetValueOrDefault("TERM") == "dumb")
            return null;
        return Create(output, writer, colors);
    }

    public static IAnsiConsole Create(TextWriter output, TextWriter writer, bool colors) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.Yes,
        ColorSystem = colors ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.Yes,
        Out = new TerminalOutput(new AnsiConsoleOutput(output), writer),
    });

    /// <summary>The terminal's facts (size, whether it is one) with the writes going through <paramref name="writer"/>.</summary>
    private sealed class TerminalOutput(IAnsiConsoleOutput terminal, TextWriter writer) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;
        public bool IsTerminal => terminal.IsTerminal;
        public int Width => terminal.Width;
        public int Height => terminal.Height;
        public void SetEncoding(System.Text.Encoding encoding) => terminal.SetEncoding(encoding);
    }
}
