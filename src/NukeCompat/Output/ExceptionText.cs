namespace Nuke.Common.Output;

/// <summary>How an exception reads for an operator: each message in the chain, without stack frames.</summary>
internal static class ExceptionText
{
    public static string MessagesOnly(Exception exception)
    {
        var lines = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            var name = current.GetType().Name;
            // Plain wrappers add a type name and nothing else worth reading.
            if (current is AggregateException { InnerExceptions.Count: 1 } || current.Message.Length == 0)
                continue;
            lines.Add(lines.Count == 0 ? $"{name}: {current.Message}" : $"  ---> {name}: {current.Message}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
