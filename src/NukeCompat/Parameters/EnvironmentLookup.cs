namespace Nuke.Common.Parameters;

/// <summary>
/// Finds a parameter's environment variable: the exact name first, then any variable whose letters and digits equal
/// the name or NUKE + name, ignoring case (<c>API_KEY</c>, <c>NUKE_API_KEY</c> for <c>ApiKey</c>).
/// </summary>
internal sealed class EnvironmentLookup
{
    private readonly IReadOnlyDictionary<string, string> _environment;

    // Each variable's comparable key, computed once for the run rather than once per parameter and variable; kept in
    // arrays and searched with loops, as this runs at every start-up (--help included) and LINQ over the dictionary's
    // key/value pairs is generic code over a value type, left to the JIT by ReadyToRun (benchmarks/startup.sh).
    private readonly string[] _variables;
    private readonly string[] _keys;

    public EnvironmentLookup(IReadOnlyDictionary<string, string> environment)
    {
        _environment = environment;
        _variables = new string[environment.Count];
        _keys = new string[environment.Count];
        var index = 0;
        foreach (var variable in environment.Keys)
        {
            _variables[index] = variable;
            _keys[index++] = ParameterNaming.EnvironmentKey(variable);
        }
    }

    public (string Variable, string Value)? Find(string name, Action<string> warn)
    {
        if (_environment.TryGetValue(name, out var exact))
            return (name, exact);

        var key = ParameterNaming.EnvironmentKey(name);
        var prefixed = "nuke" + key;
        var matches = new List<string>();
        for (var index = 0; index < _keys.Length; index++)
        {
            if (_keys[index] == key || _keys[index] == prefixed)
                matches.Add(_variables[index]);
        }

        if (matches.Count > 1)
        {
            warn($"Could not resolve {name} since multiple values are provided: {string.Join(", ", matches)}");
            return null;
        }

        return matches.Count == 1 ? (matches[0], _environment[matches[0]]) : null;
    }
}
