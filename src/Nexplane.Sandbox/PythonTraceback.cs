namespace Nexplane.Sandbox;

/// <summary>
/// Writes errors the way the Python stack behind real Nexplane does, so log parsers and operators
/// rehearse against the same text they will meet in production.
/// </summary>
public sealed class PythonTraceback
{
    readonly List<string> lines = ["Traceback (most recent call last):"];

    public PythonTraceback Frame(string file, int line, string function, string source)
    {
        lines.Add($"  File \"{file}\", line {line}, in {function}");
        lines.Add($"    {source}");
        return this;
    }

    /// <summary>Python's "during handling" chain: the original error, then the wrapping one.</summary>
    public PythonTraceback CausedBy(string exceptionType, string message)
    {
        lines.Add($"{exceptionType}: {message}");
        lines.Add("");
        lines.Add("The above exception was the direct cause of the following exception:");
        lines.Add("");
        lines.Add("Traceback (most recent call last):");
        return this;
    }

    /// <summary>Prints the traceback ending with <paramref name="exceptionType"/> to stderr, prefixing the first line if asked (uvicorn's <c>ERROR:    </c>).</summary>
    public void Raise(string exceptionType, string message, string linePrefix = "")
    {
        var all = new List<string>(lines) { $"{exceptionType}: {message}" };
        // Python's logging prefixes only the first line of a multi-line record (uvicorn's "ERROR:    Traceback ...").
        var output = linePrefix + string.Join('\n', all);
        Console.Error.WriteLine(output);
        Console.Error.Flush();
    }

    /// <summary>The frames alembic's console script always shows before reaching a migration file.</summary>
    public static PythonTraceback AlembicUpgrade() => new PythonTraceback()
        .Frame("/usr/local/bin/alembic", 8, "<module>", "sys.exit(main())")
        .Frame("/usr/local/lib/python3.12/site-packages/alembic/config.py", 636, "main", "CommandLine(prog=prog).main(argv=argv)")
        .Frame("/usr/local/lib/python3.12/site-packages/alembic/config.py", 626, "main", "self.run_cmd(cfg, options)")
        .Frame("/usr/local/lib/python3.12/site-packages/alembic/config.py", 603, "run_cmd", "fn(")
        .Frame("/usr/local/lib/python3.12/site-packages/alembic/command.py", 406, "upgrade", "script.run_env()")
        .Frame("/usr/local/lib/python3.12/site-packages/alembic/script/base.py", 586, "run_env", "util.load_python_file(self.dir, \"env.py\")")
        .Frame("/app/alembic/env.py", 84, "<module>", "run_migrations_online()")
        .Frame("/app/alembic/env.py", 78, "run_migrations_online", "context.run_migrations()");
}
