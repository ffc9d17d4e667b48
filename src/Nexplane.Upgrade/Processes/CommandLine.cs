namespace Nexplane.Upgrade.Processes;

/// <summary>
/// An external command as data: program, argument list, working directory and extra environment. Building a
/// command runs nothing, so tests can compare argument lists without the program in sight. Secrets belong in
/// <see cref="Environment"/> (e.g. PGPASSWORD), never in <see cref="Arguments"/>, which other users can read
/// from the process table.
/// </summary>
public sealed record CommandLine(string Program, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Text fed to the command's stdin (then closed): how a credential helper is told what to look up.</summary>
    public string? StandardInput { get; init; }

    public CommandLine(string program, params string[] arguments) : this(program, (IReadOnlyList<string>)arguments) { }

    /// <summary>How the command reads in a log line: program and arguments, quoted where needed. No environment.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Program }.Concat(Arguments).Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{a}'" : a));
}
