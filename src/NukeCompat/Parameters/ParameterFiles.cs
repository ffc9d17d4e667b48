using System.Text.Json;
using Nuke.Common.IO;

namespace Nuke.Common.Parameters;

/// <summary>
/// <c>.nuke/parameters.json</c> plus the <c>--profile</c> files <c>.nuke/parameters.&lt;name&gt;.json</c>.
/// Later profiles win over earlier ones; all profiles win over parameters.json, which is not read at all when
/// profiles are given and <paramref name="profilesReplaceDefault"/> holds (<see cref="ProfilesReplaceDefaultParametersAttribute"/>).
/// </summary>
internal sealed class ParameterFiles
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    // Highest precedence first.
    private readonly List<(string File, Dictionary<string, StoredValue> Values)> _files;

    private ParameterFiles(List<(string File, Dictionary<string, StoredValue> Values)> files) => _files = files;

    public static AbsolutePath DefaultFile(AbsolutePath root) => root / ".nuke" / "parameters.json";

    public static ParameterFiles Load(AbsolutePath root, IReadOnlyList<string> profiles, bool profilesReplaceDefault = false)
    {
        var files = new List<(string, Dictionary<string, StoredValue>)>();
        foreach (var profile in profiles.Reverse())
        {
            var file = root / ".nuke" / $"parameters.{profile}.json";
            if (!file.FileExists())
                throw new BuildConfigurationException($"Profile '{profile}' does not exist: '{file}' was not found.");
            files.Add((file, Read(file)));
        }

        var defaultFile = DefaultFile(root);
        if (defaultFile.FileExists() && !(profilesReplaceDefault && profiles.Count > 0))
            files.Add((defaultFile, Read(defaultFile)));
        return new ParameterFiles(files);
    }

    /// <summary>The value for a logical name (matched like CLI options) and the file it came from.</summary>
    public (JsonElement Value, string File)? Find(string name)
    {
        var key = ParameterNaming.MatchKey(name);
        foreach (var (file, values) in _files)
        {
            if (values.TryGetValue(key, out var stored))
                return (stored.Value, file);
        }

        return null;
    }

    private static Dictionary<string, StoredValue> Read(AbsolutePath file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), ReadOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new BuildConfigurationException($"Parameter file '{file}' must contain a JSON object.");
            var values = new Dictionary<string, StoredValue>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "$schema")
                    values[ParameterNaming.MatchKey(property.Name)] = new StoredValue(property.Value.Clone());
            }

            return values;
        }
        catch (JsonException exception)
        {
            throw new BuildConfigurationException($"Parameter file '{file}' is not valid JSON: {exception.Message}");
        }
    }

    // A class around the element: a dictionary of JsonElement (a struct) is generic code over a value type, which
    // ReadyToRun leaves to the JIT, at every start-up (benchmarks/startup.sh); a dictionary of a class is compiled ahead.
    private sealed record StoredValue(JsonElement Value);
}
