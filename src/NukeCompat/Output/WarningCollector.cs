using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Nuke.Common.Output;

/// <summary>Keeps every warning and error, already redacted, for the Errors &amp; Warnings block at the end.</summary>
internal sealed class WarningCollector : ILogEventSink
{
    private readonly List<WarningEntry> _entries = [];
    private readonly MessageTemplateTextFormatter _messageFormatter = new("{Message:l}", CultureInfo.InvariantCulture);

    public IReadOnlyList<WarningEntry> Entries
    {
        get
        {
            lock (_entries)
                return _entries.ToList();
        }
    }

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Level < LogEventLevel.Warning || HostOutput.StyleOf(logEvent) is not null)
            return;
        var target = logEvent.Properties.TryGetValue(ExecutingTargetEnricher.PropertyName, out var value) && value is ScalarValue { Value: string name }
            ? name
            : "";
        using var message = new StringWriter(CultureInfo.InvariantCulture);
        _messageFormatter.Format(logEvent, message);
        // Unlike NUKE, the replay carries the exception's message (never its stack trace): at the end of a failed
        // upgrade the operator should read why it failed without scrolling back.
        if (logEvent.Exception is { } exception)
            message.Write(Environment.NewLine + ExceptionText.MessagesOnly(exception));
        lock (_entries)
            _entries.Add(new WarningEntry(logEvent.Level, target, message.ToString()));
    }
}

/// <summary>One warning or error for the replay. A record, not a value tuple: every run creates the list at start-up,
/// and generic code over a value type is left to the JIT by ReadyToRun.</summary>
internal sealed record WarningEntry(LogEventLevel Level, string Target, string Message);
