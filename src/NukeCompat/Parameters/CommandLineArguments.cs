namespace Nuke.Common.Parameters;

/// <summary>
/// The raw command line: leading positional tokens (target names), then options, each owning the tokens up to the
/// next token that starts with <c>-</c>, except a negative number (<c>--retries -1</c>): no parameter's name starts
/// with a digit, so it is the option's value. A repeated option keeps its last occurrence, except for list parameters,
/// which collect every occurrence (<see cref="GetAllValues"/>).
/// </summary>
internal sealed class CommandLineArguments
{
    private readonly List<Option> _options = [];

    public CommandLineArguments(IReadOnlyList<string> tokens)
    {
        Tokens = tokens;
        var positional = new List<string>();
        Option? current = null;
        foreach (var token in tokens)
        {
            if (token.StartsWith('-') && token.Length > 1 && !(current is not null && IsNegativeNumber(token)))
            {
                current = new Option(token, ParameterNaming.MatchKey(token), []);
                _options.Add(current);
            }
            else if (current is null)
            {
                positional.Add(token);
            }
            else
            {
                current.Values.Add(token);
            }
        }

        PositionalTargets = SplitTargetNames(positional);
    }

    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Targets named before the first option; <c>A+B</c> counts as two.</summary>
    public IReadOnlyList<string> PositionalTargets { get; }

    /// <summary>Every option as written (its token and its match key), for warning about ones nobody declared.</summary>
    public IReadOnlyList<Option> Options => _options;

    public bool Has(string name) => Find(name) is not null;

    /// <summary>The values of the option's last occurrence, or null when it was not given.</summary>
    public IReadOnlyList<string>? GetValues(string name) => Find(name)?.Values;

    /// <summary>The values of every occurrence, in order, or null when the option was not given.</summary>
    public IReadOnlyList<string>? GetAllValues(string name)
    {
        var key = ParameterNaming.MatchKey(name);
        var occurrences = _options.Where(x => x.Key == key).ToList();
        return occurrences.Count == 0 ? null : occurrences.SelectMany(x => x.Values).ToList();
    }

    /// <summary>A flag: present without a value means true; <c>--flag false</c> turns it off.</summary>
    public bool GetFlag(string name) =>
        GetValues(name) is { } values && (values.Count == 0 || !string.Equals(values[0], "false", StringComparison.OrdinalIgnoreCase));

    public static List<string> SplitTargetNames(IEnumerable<string> tokens) =>
        tokens.SelectMany(x => x.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    // NUKE ends an option's values at any token starting with '-', so a negative value reached the build as a missing
    // value and an unknown option; as a value, the build's own checks can say what is wrong with it.
    private static bool IsNegativeNumber(string token) => token.Length > 1 && token[0] == '-' && char.IsAsciiDigit(token[1]);

    private Option? Find(string name)
    {
        var key = ParameterNaming.MatchKey(name);
        return _options.LastOrDefault(x => x.Key == key);
    }

    public sealed record Option(string Token, string Key, List<string> Values);
}
