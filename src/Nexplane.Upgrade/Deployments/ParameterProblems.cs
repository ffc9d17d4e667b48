using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Deployments;

/// <summary>
/// Checks the values a run was given before any step uses them, collecting every problem so one run names them
/// all. The caller names each value the way the operator gave it (the parameter layer knows the flags); nothing here
/// knows the command line.
/// </summary>
public sealed partial class ParameterProblems
{
    readonly List<string> _problems = [];

    public IReadOnlyList<string> All => _problems;

    public void Add(string problem) => _problems.Add(problem);

    /// <summary>An absolute http(s) URL, or null (a problem recorded) when it is not one.</summary>
    public Uri? HttpUrl(string name, string? value, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _problems.Add($"{name} is empty; give the address, e.g. {example}.");
            return null;
        }
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
            return uri;
        _problems.Add($"{name} '{value}' is not an absolute http(s) URL such as {example}.");
        return null;
    }

    public void ExistingFile(string name, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            _problems.Add($"{name} is empty; give a file.");
        else if (!File.Exists(path))
            _problems.Add($"{name} '{path}' does not exist.");
    }

    public void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            _problems.Add($"{name} is {value}; it must be longer than zero (e.g. 30s, 5m).");
    }

    public void Positive(string name, int value)
    {
        if (value <= 0)
            _problems.Add($"{name} is {value}; it must be at least 1.");
    }

    /// <summary>A TCP port: 1 to 65535.</summary>
    public void Port(string name, int value)
    {
        if (value is < 1 or > 65535)
            _problems.Add($"{name} is {value}; a port is a number from 1 to 65535.");
    }

    /// <summary>Compose service names: letters, digits, '.', '_' and '-' (compose's own rule), none empty.</summary>
    public void ServiceNames(string name, IEnumerable<string> services, bool allowNone = false)
    {
        var list = services.ToArray();
        if (list.Length == 0 && !allowNone)
            _problems.Add($"{name} names no service.");
        foreach (var service in list.Where(s => !ServiceName().IsMatch(s)))
            _problems.Add($"{name} has '{service}', which is not a compose service name.");
    }

    /// <summary>Version endpoints: '/path' or '/path#field', at least one.</summary>
    public void VersionEndpoints(string name, IReadOnlyCollection<string> endpoints)
    {
        if (endpoints.Count == 0)
            _problems.Add($"{name} names no endpoint; the running version cannot be read.");
        foreach (var endpoint in endpoints.Where(e => string.IsNullOrWhiteSpace(e) || e.Contains(' ') || e.EndsWith('#')))
            _problems.Add($"{name} has '{endpoint}'; expected '/path' (plain text) or '/path#field' (a JSON field).");
    }

    public void NotEmpty(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            _problems.Add($"{name} is empty.");
    }

    /// <summary>Throws with every problem when there is any; nothing has been changed at this point.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
            throw new ParameterProblemsException(
                $"{_problems.Count} parameter problem(s); nothing was changed:" + Environment.NewLine +
                string.Join(Environment.NewLine, _problems.Select(p => "  [parameters] " + p)));
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9._-]*$")]
    private static partial Regex ServiceName();
}

public sealed class ParameterProblemsException(string message) : Exception(message);
