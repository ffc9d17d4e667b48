using Serilog.Events;

namespace Nuke.Common.Hosts;

/// <summary>
/// GitHub Actions (<c>GITHUB_ACTIONS=true</c>): each target in a <c>::group::</c>, warnings and errors as
/// <c>::warning</c>/<c>::error</c> workflow commands, which the run's page lists as annotations. As in NUKE, the
/// annotation takes the place of the log line, so a message is not shown twice.
/// </summary>
public sealed class GitHubActionsHost : BuildHost
{
    public override string Name => "GitHubActions";

    public override bool IsServer => true;

    public override IReadOnlyList<string> TargetStart(string target) => ["::group::" + EscapeData(target)];

    public override IReadOnlyList<string> TargetEnd(string target) => ["::endgroup::"];

    public override string? Annotation(LogEventLevel level, string? target, string message)
    {
        if (level < LogEventLevel.Warning)
            return null;
        var command = level == LogEventLevel.Warning ? "warning" : "error";
        var title = string.IsNullOrEmpty(target) ? "" : " title=" + EscapeProperty(target);
        return $"::{command}{title}::{EscapeData(message)}";
    }

    /// <summary>A command's message ends at the line break: GitHub's toolkit escapes these three.</summary>
    static string EscapeData(string data) => data.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    /// <summary>Property values also end at ':' and ','.</summary>
    static string EscapeProperty(string value) => EscapeData(value).Replace(":", "%3A").Replace(",", "%2C");
}
