using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Nuke.Common.Output;

/// <summary>
/// Sits in front of every sink (console, files, the build's own sinks) and masks registered secrets in the message,
/// in every property value and in the exception text.
/// </summary>
internal sealed class RedactingSink(ILogEventSink inner) : ILogEventSink
{
    public void Emit(LogEvent logEvent) => inner.Emit(Redact(logEvent));

    private static LogEvent Redact(LogEvent logEvent)
    {
        var tokens = logEvent.MessageTemplate.Tokens
            .Select(token => token is TextToken text ? new TextToken(SecretRedactor.Redact(text.Text)) : token);
        var properties = logEvent.Properties.Select(x => new LogEventProperty(x.Key, Redact(x.Value)));
        var exception = logEvent.Exception is { } original && SecretRedactor.ContainsSecret(original.ToString())
            ? new RedactedException(original)
            : logEvent.Exception;
        return new LogEvent(logEvent.Timestamp, logEvent.Level, exception, new MessageTemplate(tokens), properties,
            logEvent.TraceId ?? default, logEvent.SpanId ?? default);
    }

    private static LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: null or OutputStyle } => value,
        ScalarValue scalar => scalar.Value.ToString() is { } text && SecretRedactor.ContainsSecret(text)
            ? new ScalarValue(SecretRedactor.Redact(text))
            : scalar,
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(Redact)),
        StructureValue structure => new StructureValue(
            structure.Properties.Select(x => new LogEventProperty(x.Name, Redact(x.Value))), structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(x =>
            new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Redact(x.Key), Redact(x.Value)))),
        _ => value,
    };
}
