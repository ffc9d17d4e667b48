namespace Nuke.Common.Parameters;

/// <summary>
/// Finds a parameter's environment variable: the exact name first, then any variable whose letters and digits equal
/// the name or NUKE + name, ignoring case (<c>API_KEY</c>, <c>NUKE_API_KEY</c> for <c>ApiKey</c>).
/// </summary>
internal static class EnvironmentLookup
{
    public static (string Variable, string Value)? Find(
        IReadOnlyDictionary<string, string> environment, string name, Action<string> warn)
    {
        if (environment.TryGetValue(name, out var exact))
            return (name, exact);

        var key = ParameterNaming.EnvironmentKey(name);
        var matches = environment
            .Where(x => ParameterNaming.EnvironmentKey(x.Key) is var candidate && (candidate == key || candidate == "nuke" + key))
            .ToList();
        if (matches.Count > 1)
        {
            warn($"Could not resolve {name} since multiple values are provided: {string.Join(", ", matches.Select(x => x.Key))}");
            return null;
        }

        return matches.Count == 1 ? (matches[0].Key, matches[0].Value) : null;
    }
}
