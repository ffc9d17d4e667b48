using Serilog;
using Serilog.Events;

namespace Nuke.Common.Output;

/// <summary>
/// The engine's own lines (logo, target headers, help, summary). They go through the logger like everything else,
/// so they reach the log files and are redacted, but the console prints them without timestamp or level.
/// </summary>
internal sealed class HostOutput(ILogger logger)
{
    private const string StyleProperty = "HostStyle";

    public void Write(string text, OutputStyle style = OutputStyle.Plain)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            logger.ForContext(StyleProperty, style).Information("{HostText:l}", line);
    }

    /// <summary>
    /// Plain text of many lines (the help, the plan) as one event: the console prints it as it is, and the help's
    /// 190 lines one event each through the pipeline cost a --help 11 ms (benchmarks/startup.sh). In a log file only its
    /// first line carries the timestamp.
    /// </summary>
    public void WriteBlock(string text) =>
        logger.ForContext(StyleProperty, OutputStyle.Plain).Information("{HostText:l}", text.Replace("\r\n", "\n").Replace("\n", Environment.NewLine));

    public void Blank() => Write("");

    public static OutputStyle? StyleOf(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(StyleProperty, out var value) && value is ScalarValue { Value: OutputStyle style }
            ? style
            : null;
}
