using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// A compose <c>.env</c> file, read and edited as text so comments, order and unrelated lines survive an edit
/// byte for byte. Values may be quoted; <c>export</c> prefixes are tolerated.
/// </summary>
public sealed partial class DotEnvFile
{
    readonly List<string> _lines;
    readonly string _newLine;
    readonly bool _endsWithNewLine;

    DotEnvFile(string path, string text)
    {
        Path = path;
        _newLine = text.Contains("\r\n") ? "\r\n" : "\n";
        _endsWithNewLine = text.Length == 0 || text.EndsWith('\n');
        _lines = text.Split(_newLine).ToList();
        if (_endsWithNewLine && _lines.Count > 0 && _lines[^1].Length == 0)
            _lines.RemoveAt(_lines.Count - 1);
    }

    public string Path { get; }

    /// <summary>Loads the file, or an empty one when it does not exist yet.</summary>
    public static DotEnvFile Load(string path) => new(path, File.Exists(path) ? File.ReadAllText(path) : "");

    public static DotEnvFile Parse(string path, string text) => new(path, text);

    public IReadOnlyDictionary<string, string> Variables =>
        _lines.Select(line => AssignmentPattern().Match(line))
            .Where(m => m.Success)
            .GroupBy(m => m.Groups["key"].Value)
            .ToDictionary(g => g.Key, g => Unquote(g.Last().Groups["value"].Value));

    public string? this[string key] => Variables.GetValueOrDefault(key);

    /// <summary>Sets a variable in place (keeping its quoting style), or appends it when absent.</summary>
    public void Set(string key, string value)
    {
        for (var i = _lines.Count - 1; i >= 0; i--)
        {
            var match = AssignmentPattern().Match(_lines[i]);
            if (!match.Success || match.Groups["key"].Value != key)
                continue;
            var old = match.Groups["value"];
            var quote = old.Value.Length >= 2 && (old.Value[0] == '"' || old.Value[0] == '\'') ? old.Value[0].ToString() : "";
            _lines[i] = _lines[i][..old.Index] + quote + value + quote + _lines[i][(old.Index + old.Length)..];
            return;
        }
        _lines.Add($"{key}={value}");
    }

    public string ToText() => string.Join(_newLine, _lines) + (_endsWithNewLine && _lines.Count > 0 ? _newLine : "");

    /// <summary>Writes the file, keeping the permissions of the existing file (a .env holds secrets).</summary>
    public void Save() => TextFiles.WriteAtomically(Path, ToText());

    static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    [GeneratedRegex(@"^\s*(?:export\s+)?(?<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?<value>(?:""[^""]*""|'[^']*'|[^#\s]*(?:\s+[^#\s]+)*))")]
    private static partial Regex AssignmentPattern();
}
