using Serilog.Events;

namespace Nuke.Common.Hosts;

/// <summary>
/// Where the build runs, as NUKE's <c>Host</c> classes see it: how a target's output is grouped and how warnings and
/// errors are raised. A local terminal gets NUKE's box header; CI systems get their own collapsible blocks and, where
/// they have them, annotations.
/// </summary>
public abstract class BuildHost
{
    /// <summary>The name <c>--host</c> takes, e.g. <c>GitHubActions</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True for CI systems, whose logs show the host's markers instead of a terminal's.</summary>
    public abstract bool IsServer { get; }

    /// <summary>The lines written before a target's actions run.</summary>
    public abstract IReadOnlyList<string> TargetStart(string target);

    /// <summary>The lines written after a target's actions ended, however they ended.</summary>
    public virtual IReadOnlyList<string> TargetEnd(string target) => [];

    /// <summary>
    /// The line that stands for a warning or error on this host (already redacted, with the exception's messages
    /// appended); null when the host has no annotations and the event is printed as a log line.
    /// </summary>
    public virtual string? Annotation(LogEventLevel level, string? target, string message) => null;

    /// <summary>The hosts <c>--host</c> can name, CI systems before the terminal (the order detection tries them).</summary>
    public static IReadOnlyList<BuildHost> Known { get; } = [new GitHubActionsHost(), new GitLabHost(), new TerminalHost()];

    /// <summary>
    /// <c>--host</c> when given (matched like NUKE: the name, ignoring case), else the first host whose environment
    /// variable is set, else the terminal.
    /// </summary>
    public static BuildHost Choose(string? requested, IReadOnlyDictionary<string, string> environment)
    {
        if (requested is not null)
            return Known.FirstOrDefault(host => string.Equals(host.Name, requested, StringComparison.OrdinalIgnoreCase))
                ?? throw new BuildConfigurationException(
                    $"Unknown host '{requested}'; use one of: {string.Join(", ", Known.Select(host => host.Name))}.");
        if (string.Equals(environment.GetValueOrDefault("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
            return Known.OfType<GitHubActionsHost>().Single();
        if (!string.IsNullOrEmpty(environment.GetValueOrDefault("GITLAB_CI")))
            return Known.OfType<GitLabHost>().Single();
        return Known.OfType<TerminalHost>().Single();
    }
}
