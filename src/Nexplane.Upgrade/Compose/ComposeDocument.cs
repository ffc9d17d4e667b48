using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// A deployment's compose file: parsed with YamlDotNet to find services and their images, and edited as text
/// (only the characters of one <c>image:</c> value change) so comments and layout survive.
/// </summary>
public sealed partial class ComposeDocument
{
    readonly Dictionary<string, YamlScalarNode> _imageNodes;

    ComposeDocument(string path, string text, string? projectName, IReadOnlyList<ComposeService> services, Dictionary<string, YamlScalarNode> imageNodes)
    {
        Path = path;
        ProjectName = projectName;
        Text = text;
        Services = services;
        _imageNodes = imageNodes;
    }

    public string Path { get; }

    public string Text { get; }

    /// <summary>The top-level <c>name:</c> (compose v2), which names the project when nothing else does.</summary>
    public string? ProjectName { get; }

    public IReadOnlyList<ComposeService> Services { get; }

    /// <summary>The .env file compose reads by default: the one beside the compose file.</summary>
    public string DefaultEnvFilePath => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path) ?? ".", ".env");

    public ComposeService? Find(string service) => Services.FirstOrDefault(s => s.Name == service);

    public static ComposeDocument Load(string path, OperatorAdvice advice)
    {
        if (!File.Exists(path))
            throw new ComposeFileException($"The compose file {path} does not exist. Pass the deployment's compose file with {advice.Flag(Setting.ComposeFile)}.");
        return Parse(path, File.ReadAllText(path));
    }

    public static ComposeDocument Parse(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            throw new ComposeFileException($"The compose file {path} is not valid YAML (line {exception.Start.Line}): {exception.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("services"), out var servicesNode)
            || servicesNode is not YamlMappingNode servicesMapping)
            throw new ComposeFileException($"The compose file {path} has no 'services:' section.");

        var services = new List<ComposeService>();
        var imageNodes = new Dictionary<string, YamlScalarNode>();
        foreach (var (key, value) in servicesMapping.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var service = value as YamlMappingNode ?? new YamlMappingNode();
            var image = Child(service, "image") as YamlScalarNode;
            if (image is not null)
                imageNodes[name] = image;
            services.Add(new ComposeService(
                name,
                image?.Value,
                Child(service, "build") is not null,
                ReadEnvironment(Child(service, "environment"))));
        }
        return new ComposeDocument(path, text, (Child(root, "name") as YamlScalarNode)?.Value, services, imageNodes);
    }

    /// <summary>
    /// Where <paramref name="service"/>'s tag lives: on its image line, or in the variable its tag interpolates.
    /// </summary>
    public TagLocation LocateTag(string service)
    {
        var image = RequireImage(service);
        var tagPart = TagPart(image);
        var variable = VariablePattern().Match(tagPart);
        return variable.Success
            ? new TagLocation.EnvVariable(service, variable.Groups["name"].Value)
            : new TagLocation.ImageLine(service);
    }

    /// <summary>The service's image with variables resolved from the environment and the .env file (compose's order).</summary>
    public ImageReference ResolveImage(string service, IReadOnlyDictionary<string, string> envFile) =>
        ImageReference.Parse(Interpolate(RequireImage(service), envFile));

    /// <summary>A copy of this file whose <paramref name="service"/> image line carries <paramref name="tag"/>.</summary>
    public ComposeDocument WithImageTag(string service, string tag)
    {
        var node = _imageNodes.GetValueOrDefault(service)
            ?? throw new ComposeFileException($"Service '{service}' has no image: line in {Path}.");
        var reference = ImageReference.Parse(node.Value!);
        var newValue = reference.WithTag(tag).ToString();
        var (start, end) = ((int)node.Start.Index, (int)node.End.Index);
        var quoted = node.Style switch
        {
            ScalarStyle.DoubleQuoted => $"\"{newValue}\"",
            ScalarStyle.SingleQuoted => $"'{newValue}'",
            _ => newValue,
        };
        return Parse(Path, Text[..start] + quoted + Text[end..]);
    }

    public void Save() => TextFiles.WriteAtomically(Path, Text);

    string RequireImage(string service) =>
        Find(service)?.Image ?? throw new ComposeFileException(Find(service) is { IsBuildOnly: true }
            ? $"Service '{service}' is built from source (build: without image:), so there is no image tag to upgrade."
            : $"Service '{service}' has no image: in {Path}.");

    static string TagPart(string image)
    {
        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        // A variable's ':-default' is not the tag separator: skip colons inside ${...}.
        while (colon >= 0 && image.LastIndexOf("${", colon, StringComparison.Ordinal) > image.LastIndexOf('}', colon))
            colon = image.IndexOf(':', colon + 1);
        return colon < 0 ? "" : image[(colon + 1)..];
    }

    static string Interpolate(string value, IReadOnlyDictionary<string, string> envFile) =>
        VariablePattern().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            var resolved = Environment.GetEnvironmentVariable(name) ?? envFile.GetValueOrDefault(name);
            var fallback = match.Groups["default"];
            if (string.IsNullOrEmpty(resolved) && fallback.Success)
                return fallback.Value;
            return resolved ?? "";
        });

    static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    static IReadOnlyDictionary<string, string?> ReadEnvironment(YamlNode? node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            pair => ((YamlScalarNode)pair.Key).Value!, pair => (pair.Value as YamlScalarNode)?.Value),
        YamlSequenceNode sequence => sequence.Children.OfType<YamlScalarNode>()
            .Select(item => item.Value!.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : null),
        _ => new Dictionary<string, string?>(),
    };

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?<default>[^}]*))?\}|\$(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariablePattern();
}

/// <summary>The compose file is missing, unreadable, or lacks what the upgrade needs. Nothing was changed.</summary>
public sealed class ComposeFileException(string message) : Exception(message);
