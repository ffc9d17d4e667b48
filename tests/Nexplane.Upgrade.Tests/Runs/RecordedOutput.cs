using Nexplane.Upgrade.Runs;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Tests.Runs;

/// <summary>A run's output as the tests read it: each message rendered with its values, and the summary pairs.</summary>
sealed class RecordedOutput : IRunOutput
{
    public List<string> Lines { get; } = [];
    public Dictionary<string, string> Summary { get; } = [];

    public void Information(string template, params object?[] values) => Lines.Add("INF " + Render(template, values));

    public void Warning(string template, params object?[] values) => Lines.Add("WRN " + Render(template, values));

    public void Error(string template, params object?[] values) => Lines.Add("ERR " + Render(template, values));

    void IRunOutput.Summary(string key, string value) => Summary[key] = value;

    /// <summary>Fills the template's holes in order, as Serilog does, ignoring their formats.</summary>
    static string Render(string template, object?[] values)
    {
        var index = 0;
        return System.Text.RegularExpressions.Regex.Replace(template, @"\{[^{}]+\}", _ => index < values.Length ? $"{values[index++]}" : "?");
    }
}
