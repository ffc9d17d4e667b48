using CliWrap;
using CliWrap.Buffered;
using Npgsql;

namespace EndToEnd.Tests.Sandbox;

/// <summary>
/// A private PostgreSQL cluster on the host for one test collection: initdb into /tmp, loopback only, a free port,
/// its own socket directory. Tests get a fresh database each. Missing PostgreSQL binaries fail the tests loudly.
/// </summary>
public class PostgresCluster : IAsyncLifetime
{
    const string SuperUser = "postgres";
    string dataRoot = "";
    string binDirectory = "";

    public int Port { get; private set; }

    /// <summary>Further <c>-c name=value</c> settings for a cluster that needs them.</summary>
    protected virtual string ExtraServerSettings => "";

    public async Task InitializeAsync()
    {
        binDirectory = FindPostgresBinaries();
        Port = FreePort.Next();
        dataRoot = Path.Combine(Path.GetTempPath(), $"nexplane-sandbox-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataRoot);
        if (RunningAsRoot)
            await Run("chown", ["-R", SuperUser, dataRoot]);

        var dataDirectory = Path.Combine(dataRoot, "data");
        await RunAsPostgres(Path.Combine(binDirectory, "initdb"), ["-D", dataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await RunAsPostgres(Path.Combine(binDirectory, "pg_ctl"),
        [
            "-D", dataDirectory, "-w", "-t", "30", "-l", Path.Combine(dataRoot, "postgres.log"),
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {dataRoot} -c fsync=off -c full_page_writes=off {ExtraServerSettings}",
            "start",
        ]);
    }

    public async Task DisposeAsync()
    {
        if (binDirectory.Length == 0 || dataRoot.Length == 0)
            return;
        await Cli.Wrap(RunningAsRoot ? "runuser" : Path.Combine(binDirectory, "pg_ctl"))
            .WithArguments(RunningAsRoot
                ? ["-u", SuperUser, "--", Path.Combine(binDirectory, "pg_ctl"), "-D", Path.Combine(dataRoot, "data"), "-m", "immediate", "-w", "stop"]
                : ["-D", Path.Combine(dataRoot, "data"), "-m", "immediate", "-w", "stop"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        try { Directory.Delete(dataRoot, recursive: true); } catch (IOException) { }
    }

    /// <summary>Creates an empty database and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"nexplane_{Guid.NewGuid():N}"[..24];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>The SQLAlchemy-style URL Nexplane reads from DATABASE_URL (trust auth: the password is ignored).</summary>
    public string DatabaseUrl(string database) => $"postgresql://{SuperUser}:sandbox-password@127.0.0.1:{Port}/{database}";

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database};Pooling=false;Timeout=10";

    public async Task<T?> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task<List<string>> ColumnAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.IsDBNull(0) ? "<null>" : reader.GetValue(0).ToString()!);
        return values;
    }

    static bool RunningAsRoot => Environment.UserName == "root";

    static string FindPostgresBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/<version>/bin. " +
            "The sandbox tests need a real PostgreSQL: install it with 'apt-get install -y postgresql' and rerun.");
    }

    static Task RunAsPostgres(string program, string[] arguments) =>
        RunningAsRoot ? Run("runuser", ["-u", SuperUser, "--", program, .. arguments]) : Run(program, arguments);

    static async Task Run(string program, string[] arguments)
    {
        var result = await Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed with exit {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
    }
}
