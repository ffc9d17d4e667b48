using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nexplane.Upgrade.Compose;

/// <summary>A port a service publishes: <paramref name="Published"/> on the host, <paramref name="Target"/> in the container.</summary>
public sealed record PublishedPort(int? Published, int Target);

/// <summary>
/// One service as compose itself resolved it (<c>docker compose config</c>): variables interpolated, <c>env_file</c>
/// entries merged into <see cref="Environment"/>. Its environment holds the deployment's secrets: never log it.
/// </summary>
public sealed record ResolvedService(
    string Name,
    string? Image,
    IReadOnlyDictionary<string, string> Environment,
    string? NetworkMode,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Entrypoint,
    string? User,
    string? WorkingDirectory,
    string? Restart,
    IReadOnlyList<PublishedPort> Ports)
{
    /// <summary>On the host's network: its loopback addresses are the host's, shared with the other host-network services.</summary>
    public bool UsesHostNetwork => NetworkMode == "host";

    /// <summary>
    /// The services this one depends on, each with its condition (<c>service_started</c>, <c>service_healthy</c>, ...):
    /// compose (re)creates and starts them first, and waits for the condition.
    /// </summary>
    public IReadOnlyDictionary<string, string> DependsOn { get; init; } = new Dictionary<string, string>();

    /// <summary>The healthcheck as compose config printed it (its <c>$</c> still doubled), or null for none.</summary>
    public YamlMappingNode? Healthcheck { get; init; }
}

/// <summary>
/// The output of <c>compose config</c>, read with YamlDotNet. Compose computes the environment (interpolation, env_file,
/// the .env file), so nothing of its rules is re-implemented here; v1 and v2 spell ports and commands differently,
/// and both spellings are read.
/// </summary>
public static class ComposeConfig
{
    public static IReadOnlyList<ResolvedService> Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException exception)
        {
            // The text holds secrets: only the position is quoted.
            throw new ComposeFileException($"compose config printed something that is not YAML (line {exception.Start.Line}).");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || Child(root, "services") is not YamlMappingNode services)
            throw new ComposeFileException("compose config printed no 'services:' section.");

        return services.Children.Select(pair =>
        {
            var service = pair.Value as YamlMappingNode ?? new YamlMappingNode();
            return new ResolvedService(
                Scalar(pair.Key)!,
                Scalar(Child(service, "image")),
                Environment(Child(service, "environment")),
                Scalar(Child(service, "network_mode")),
                Words(Child(service, "command")),
                Words(Child(service, "entrypoint")),
                Unescaped(Scalar(Child(service, "user"))),
                Unescaped(Scalar(Child(service, "working_dir"))),
                Scalar(Child(service, "restart")),
                Ports(Child(service, "ports")))
            {
                DependsOn = DependsOn(Child(service, "depends_on")),
                Healthcheck = Child(service, "healthcheck") as YamlMappingNode,
            };
        }).ToArray();
    }

    static IReadOnlyDictionary<string, string> Environment(YamlNode? node)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                    environment[Scalar(key)!] = Unescaped(Scalar(value)) ?? "";
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children.Select(Scalar).OfType<string>().Select(item => Unescaped(item)!))
                {
                    var equals = item.IndexOf('=');
                    if (equals > 0)
                        environment[item[..equals]] = item[(equals + 1)..];
                }
                break;
        }
        return environment;
    }

    /// <summary>v1 and v2 print a mapping (service: {condition: ...}); a hand-written file may give a list (started).</summary>
    static IReadOnlyDictionary<string, string> DependsOn(YamlNode? node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(pair => Scalar(pair.Key)!,
            pair => pair.Value is YamlMappingNode condition ? Scalar(Child(condition, "condition")) ?? "service_started" : "service_started"),
        YamlSequenceNode sequence => sequence.Children.Select(Scalar).OfType<string>().ToDictionary(name => name, _ => "service_started"),
        _ => new Dictionary<string, string>(),
    };

    /// <summary>
    /// compose config prints a literal <c>$</c> as <c>$$</c> (its own escape, so the output can be read back as a
    /// compose file); the values the containers really get have one.
    /// </summary>
    static string? Unescaped(string? value) => value?.Replace("$$", "$", StringComparison.Ordinal);

    /// <summary>A list as given; a string is split as compose splits it (shell words, quotes respected).</summary>
    static IReadOnlyList<string>? Words(YamlNode? node) => node switch
    {
        YamlSequenceNode sequence => sequence.Children.Select(child => Unescaped(Scalar(child)) ?? "").ToArray(),
        YamlScalarNode { Value: { } text } => ShellWords(Unescaped(text)!),
        _ => null,
    };

    static IReadOnlyList<PublishedPort> Ports(YamlNode? node)
    {
        if (node is not YamlSequenceNode sequence)
            return [];
        var ports = new List<PublishedPort>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlMappingNode longSyntax)
            {
                // v2: { target: 8000, published: "20710", host_ip: 127.0.0.1, protocol: tcp }
                if (int.TryParse(Scalar(Child(longSyntax, "target")), out var target))
                    ports.Add(new PublishedPort(int.TryParse(Scalar(Child(longSyntax, "published")), out var published) ? published : null, target));
                continue;
            }
            // v1: "127.0.0.1:20710:8000/tcp", "20710:8000", "8000"
            var text = Scalar(item);
            if (text is null)
                continue;
            var parts = text.Split('/')[0].Split(':');
            if (!int.TryParse(parts[^1], out var containerPort))
                continue;
            ports.Add(new PublishedPort(parts.Length >= 2 && int.TryParse(parts[^2], out var hostPort) ? hostPort : null, containerPort));
        }
        return ports;
    }

    static IReadOnlyList<string> ShellWords(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in text)
        {
            if (quote is { } open)
            {
                if (c == open) quote = null; else current.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; inWord = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        if (inWord)
            words.Add(current.ToString());
        return words;
    }

    static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;
}
