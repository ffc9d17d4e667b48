using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Nexplane.Upgrade.Compose;

/// <summary>One variable a compose file interpolates without a default, and the services that use it ("" = top level).</summary>
public sealed record RequiredComposeVariable(string Name, bool ErrorIfUnset, IReadOnlyList<string> Services);

/// <summary>
/// The variables a compose file needs from its environment: <c>${FOO}</c>, <c>$FOO</c> and <c>${FOO:?message}</c>
/// (or <c>${FOO?}</c>) have no default. When neither the environment nor the .env file sets one, compose only warns
/// ("The FOO variable is not set. Defaulting to a blank string.") and starts the service with an empty value, which
/// a new release that needs FOO survives only as a crash loop after its migration. Read-only.
/// Read from the file rather than asked of compose: v2's <c>config --variables</c> (2.26) lists <c>${FOO}</c> and
/// <c>${FOO:-}</c> alike (not required, empty default), yet only the first leaves the service without a value, and
/// v1 has no such listing at all.
/// </summary>
public static partial class ComposeVariables
{
    /// <summary>Every variable used without a default, in order of first use; <c>$$</c> escapes are not variables.</summary>
    public static IReadOnlyList<RequiredComposeVariable> WithoutDefault(string composeText)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(composeText));
        var uses = new List<(string Name, bool ErrorIfUnset, string Service)>();
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            foreach (var (key, value) in root.Children)
            {
                if (key is YamlScalarNode { Value: "services" } && value is YamlMappingNode services)
                    foreach (var (name, definition) in services.Children)
                        Collect(definition, ((YamlScalarNode)name).Value ?? "", uses);
                else
                    Collect(value, "", uses);
            }
        }
        return uses.GroupBy(u => u.Name)
            .Select(g => new RequiredComposeVariable(g.Key, g.Any(u => u.ErrorIfUnset), g.Select(u => u.Service).Distinct().ToArray()))
            .ToArray();
    }

    /// <summary>The variables without a default that neither the environment nor the .env file defines.</summary>
    public static IReadOnlyList<RequiredComposeVariable> Missing(string composeText, IReadOnlyDictionary<string, string> envFile,
        Func<string, string?> environment) =>
        WithoutDefault(composeText)
            .Where(v =>
            {
                var value = environment(v.Name) ?? envFile.GetValueOrDefault(v.Name);
                // ${FOO:?} refuses an empty value too; ${FOO} and ${FOO?} take a deliberately empty one.
                return value is null || (value.Length == 0 && v.ErrorIfUnset);
            })
            .ToArray();

    static void Collect(YamlNode node, string service, List<(string, bool, string)> uses)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is { } text:
                foreach (Match match in Variable().Matches(text.Replace("$$", "\0\0")))
                {
                    if (!match.Groups["default"].Success)
                        uses.Add((match.Groups["name"].Value, match.Groups["required"].Success, service));
                }
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    Collect(key, service, uses);
                    Collect(value, service, uses);
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                    Collect(item, service, uses);
                break;
        }
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<default>:?-[^}]*)|(?<required>:?\?[^}]*))?\}|\$(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
