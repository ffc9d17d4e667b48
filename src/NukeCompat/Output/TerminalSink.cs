using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Nuke.Common.Output;

/// <summary>
/// The console sink: log events in NUKE's template, filtered by <c>--verbosity</c>; the engine's own lines (logo,
/// headers, summary) as plain text. Writes to any <see cref="TextWriter"/>, so tests can capture it.
/// </summary>
internal sealed class TerminalSink(TextWriter writer, LoggingLevelSwitch levelSwitch, AnsiPalette? palette) : ILogEventSink
{
    public const string Template = "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:l}{NewLine}{Exception}";

    private readonly MessageTemplateTextFormatter _formatter = new(Template, CultureInfo.InvariantCulture);

    /// <summary>Below Verbose, exceptions show their messages only; stack traces go to the log file and --verbosity verbose.</summary>
    private readonly MessageTemplateTextFormatter _withoutException = new("{Timestamp:HH:mm:ss} [{Level:u3}] {Message:l}{NewLine}", CultureInfo.InvariantCulture);

    public void Emit(LogEvent logEvent)
    {
        string text;
        OutputStyle style;
        if (HostOutput.StyleOf(logEvent) is { } hostStyle)
        {
            text = logEvent.RenderMessage(CultureInfo.InvariantCulture) + Environment.NewLine;
            style = hostStyle;
        }
        else
        {
            if (logEvent.Level < levelSwitch.MinimumLevel)
                return;
            using var buffer = new StringWriter(CultureInfo.InvariantCulture);
            if (logEvent.Exception is { } exception && levelSwitch.MinimumLevel > LogEventLevel.Verbose)
            {
                _withoutException.Format(logEvent, buffer);
                buffer.WriteLine(ExceptionText.MessagesOnly(exception));
            }
            else
            {
                _formatter.Format(logEvent, buffer);
            }
            text = buffer.ToString();
            style = logEvent.Level switch
            {
                LogEventLevel.Verbose => OutputStyle.Verbose,
                LogEventLevel.Debug => OutputStyle.Debug,
                LogEventLevel.Information => OutputStyle.Plain,
                LogEventLevel.Warning => OutputStyle.Warning,
                _ => OutputStyle.Error,
            };
        }

        lock (writer)
        {
            writer.Write(palette?.Paint(text, style) ?? text);
            writer.Flush();
        }
    }
}
