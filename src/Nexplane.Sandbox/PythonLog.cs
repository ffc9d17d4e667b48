namespace Nexplane.Sandbox;

/// <summary>
/// The log lines of Alembic and uvicorn. Like the real processes they go to stderr (alembic.ini's console handler,
/// uvicorn's default handler); uvicorn's access log goes to stdout.
/// <c>NEXPLANE_LOG_FORMAT=runbook</c> switches to the runbook's <c>INFO alembic.runtime.migration - ...</c> shape.
/// </summary>
public static class PythonLog
{
    static readonly bool RunbookFormat =
        string.Equals(Environment.GetEnvironmentVariable("NEXPLANE_LOG_FORMAT"), "runbook", StringComparison.OrdinalIgnoreCase);

    /// <summary>alembic.ini: <c>%(levelname)-5.5s [%(name)s] %(message)s</c>.</summary>
    public static void Alembic(string level, string logger, string message) =>
        Write(RunbookFormat ? $"{level} {logger} - {message}" : $"{(level.Length > 5 ? level[..5] : level),-5} [{logger}] {message}");

    /// <summary>uvicorn's default formatter: <c>%(levelprefix)s %(message)s</c> with the level padded to 9 columns.</summary>
    public static void Uvicorn(string level, string message) =>
        Write(RunbookFormat ? $"{level} uvicorn.main - {message}" : $"{level + ":",-9} {message}");

    public static void UvicornAccess(string client, string method, string path, int status, string reason)
    {
        Console.Out.WriteLine(RunbookFormat
            ? $"INFO uvicorn.access - {client} - \"{method} {path} HTTP/1.1\" {status} {reason}"
            : $"INFO:     {client} - \"{method} {path} HTTP/1.1\" {status} {reason}");
        Console.Out.Flush();
    }

    static void Write(string line)
    {
        Console.Error.WriteLine(line);
        Console.Error.Flush();
    }
}
