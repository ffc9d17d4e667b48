namespace Nexplane.Sandbox;

/// <summary>
/// <c>nexplane-sandbox &lt;role&gt; [--name value | --name=value]...</c>. Options win over environment
/// variables so a test can override one setting without rebuilding the whole environment.
/// </summary>
public sealed class CommandLine
{
    public const string Usage =
        "usage: nexplane-sandbox <migrate|serve|worker|frontend|agent|github-api|probe> [--release <ver>] [--host <ip>] [--port <n>] [options]\n" +
        "       see src/Nexplane.Sandbox/README.md for roles and environment variables";

    readonly Dictionary<string, string> options;

    CommandLine(string role, Dictionary<string, string> options, IReadOnlyList<string> positional)
    {
        Role = role;
        this.options = options;
        Positional = positional;
    }

    public string Role { get; }

    /// <summary>Arguments after the role that are not options (e.g. the URL of <c>probe</c>).</summary>
    public IReadOnlyList<string> Positional { get; }

    public static CommandLine? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
            return null;

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var index = 1; index < args.Count; index++)
        {
            var argument = args[index];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(argument);
                continue;
            }

            var nameAndValue = argument[2..];
            var equals = nameAndValue.IndexOf('=');
            if (equals >= 0)
                options[nameAndValue[..equals]] = nameAndValue[(equals + 1)..];
            else if (index + 1 < args.Count)
                options[nameAndValue] = args[++index];
            else
                return null;
        }

        return new CommandLine(args[0], options, positional);
    }

    /// <summary>The option if given, else the environment variable if set and non-empty, else null.</summary>
    public string? Setting(string option, string environmentVariable)
    {
        if (options.TryGetValue(option, out var fromOption))
            return fromOption;
        var fromEnvironment = Environment.GetEnvironmentVariable(environmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }

    public string Setting(string option, string environmentVariable, string defaultValue) =>
        Setting(option, environmentVariable) ?? defaultValue;

    public int IntegerSetting(string option, string environmentVariable, int defaultValue)
    {
        var text = Setting(option, environmentVariable);
        if (text is null)
            return defaultValue;
        if (int.TryParse(text, out var value) && value >= 0)
            return value;
        throw new SandboxConfigurationException($"{environmentVariable} (--{option}) must be a non-negative integer, got '{text}'.");
    }

    public bool FlagSetting(string option, string environmentVariable, bool defaultValue) =>
        Setting(option, environmentVariable)?.Trim().ToLowerInvariant() switch
        {
            null => defaultValue,
            "0" or "false" or "no" or "off" => false,
            _ => true,
        };

    /// <summary>
    /// The release this process behaves as: <c>--release</c> (or env <c>NEXPLANE_RELEASE</c>), else the trailer of a
    /// release's agent asset (see <see cref="AgentReleaseTrailer"/>), else the release file baked into the image.
    /// </summary>
    public Release Release()
    {
        var explicitRelease = Setting("release", "NEXPLANE_RELEASE");
        if (explicitRelease is not null)
            return Releases.Find(explicitRelease)
                ?? throw new SandboxConfigurationException($"Unknown release '{explicitRelease}'. Known: {string.Join(", ", Releases.All.Select(r => r.Version))}.");

        if (AgentReleaseTrailer.Read("/proc/self/exe") is { } trailerRelease)
            return Releases.Find(trailerRelease)
                ?? throw new SandboxConfigurationException($"This binary's release trailer names unknown release '{trailerRelease}'.");

        var releaseFile = Environment.GetEnvironmentVariable("NEXPLANE_RELEASE_FILE") is { Length: > 0 } file ? file : "/etc/nexplane/release";
        if (!File.Exists(releaseFile))
            throw new SandboxConfigurationException(
                $"Cannot tell which release to behave as: pass --release <version> or write the version to {releaseFile} (env NEXPLANE_RELEASE_FILE).");

        var version = File.ReadAllText(releaseFile).Trim();
        return Releases.Find(version)
            ?? throw new SandboxConfigurationException($"{releaseFile} names unknown release '{version}'. Known: {string.Join(", ", Releases.All.Select(r => r.Version))}.");
    }
}

/// <summary>A configuration problem of the sandbox itself (not of the Nexplane it imitates).</summary>
public sealed class SandboxConfigurationException(string message) : Exception(message);
