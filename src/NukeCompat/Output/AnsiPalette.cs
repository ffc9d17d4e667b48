namespace Nuke.Common.Output;

/// <summary>ANSI colours for a terminal: the 256-colour set NUKE uses on xterm-like terminals, else the basic 16.</summary>
internal sealed class AnsiPalette(bool extendedColors)
{
    private const string Reset = "\u001b[0m";

    /// <summary>Colours only for an interactive terminal, and never when NO_COLOR is set (https://no-color.org).</summary>
    public static AnsiPalette? Detect(TextWriter writer, IReadOnlyDictionary<string, string> environment)
    {
        var isTerminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var term = environment.GetValueOrDefault("TERM") ?? "";
        if (!isTerminal || !string.IsNullOrEmpty(environment.GetValueOrDefault("NO_COLOR")) || term == "dumb")
            return null;
        return ForTerminal(environment);
    }

    public static AnsiPalette ForTerminal(IReadOnlyDictionary<string, string> environment) =>
        new((environment.GetValueOrDefault("TERM") ?? "").StartsWith("xterm", StringComparison.Ordinal) || environment.ContainsKey("COLORTERM"));

    public string Paint(string text, OutputStyle style)
    {
        var code = extendedColors ? ExtendedCode(style) : BasicCode(style);
        if (code is null || text.Length == 0)
            return text;
        // Reset before the line break, so a colour never leaks into the next line or the shell prompt.
        var body = text.TrimEnd('\r', '\n');
        return code + body + Reset + text[body.Length..];
    }

    private static string? ExtendedCode(OutputStyle style) => style switch
    {
        OutputStyle.Debug => "\u001b[38;5;250m",
        OutputStyle.Verbose => "\u001b[38;5;244m",
        OutputStyle.Information => "\u001b[38;5;45m",
        OutputStyle.Success => "\u001b[1;38;5;46m",
        OutputStyle.Warning => "\u001b[38;5;214m",
        OutputStyle.Error => "\u001b[38;5;196m",
        _ => null,
    };

    private static string? BasicCode(OutputStyle style) => style switch
    {
        OutputStyle.Debug => "\u001b[37m",
        OutputStyle.Verbose => "\u001b[90m",
        OutputStyle.Information => "\u001b[36m",
        OutputStyle.Success => "\u001b[32m",
        OutputStyle.Warning => "\u001b[33m",
        OutputStyle.Error => "\u001b[31m",
        _ => null,
    };
}
