using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Nuke.Common.Hosts;
using Spectre.Console;

namespace Nuke.Common.Output;

/// <summary>
/// The console sink: log events in NUKE's template, filtered by <c>--verbosity</c>; the engine's own lines (logo,
/// headers, summary) as plain text. On a host with annotations (GitHub Actions) a warning or error is written as the
/// host's annotation instead. Writes to any <see cref="TextWriter"/>, so tests can capture it; on an interactive
/// terminal through the live console instead, so a progress display stays below the lines (see <see cref="LiveConsole"/>).
/// </summary>
internal sealed class TerminalSink(TextWriter writer, LoggingLevelSwitch levelSwitch, AnsiPalette? palette, BuildHost? host = null,
    IAnsiConsole? live = null) : ILogEventSink
{
    public const string Template = "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:l}{NewLine}{Exception}";

    private readonly MessageTemplateTextFormatter _formatter = new(Template, CultureInfo.InvariantCulture);

    /// <summary>Below Verbose, exceptions show their messages only; stack traces go to the log file and --verbosity verbose.</summary>
    private readonly MessageTemplateTextFormatter _withoutException = new("{Timestamp:HH:mm:ss} [{Level:u3}] {Message:l}{NewLine}", CultureInfo.InvariantCulture);

    private readonly MessageTemplateTextFormatter _messageOnly = new("{Message:l}", CultureInfo.InvariantCulture);

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
            if (AnnotationOf(logEvent) is { } annotation)
            {
                Write(annotation + Environment.NewLine);
                return;
            }
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

        Write(palette?.Paint(text, style) ?? text);
    }

    private void Write(string text)
    {
        if (live is not null)
        {
            // Written as it is (colours included); Spectre puts it above whatever display is live.
            live.Write(new ControlCode(text));
            return;
        }
        lock (writer)
        {
            writer.Write(text);
            writer.Flush();
        }
    }

    /// <summary>The event's message (and its exception's messages, never a stack trace) as the host's annotation.</summary>
    private string? AnnotationOf(LogEvent logEvent)
    {
        if (host is null || logEvent.Level < LogEventLevel.Warning)
            return null;
        var target = logEvent.Properties.TryGetValue(ExecutingTargetEnricher.PropertyName, out var value) && value is ScalarValue { Value: string name }
            ? name
            : null;
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        _messageOnly.Format(logEvent, buffer);
        var message = buffer.ToString();
        if (logEvent.Exception is { } exception)
            message += Environment.NewLine + ExceptionText.MessagesOnly(exception);
        return host.Annotation(logEvent.Level, target, message);
    }
}
