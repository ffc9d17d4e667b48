using Serilog.Core;
using Serilog.Events;

namespace Nuke.Common.Output;

/// <summary>Adds <c>ExecutingTarget</c>: the running target's name cut to 20 characters, empty outside targets.</summary>
internal sealed class ExecutingTargetEnricher(Func<string?> currentTarget) : ILogEventEnricher
{
    public const string PropertyName = "ExecutingTarget";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        var name = currentTarget() ?? "";
        logEvent.AddPropertyIfAbsent(new LogEventProperty(PropertyName, new ScalarValue(name.Length > 20 ? name[..20] : name)));
    }
}
