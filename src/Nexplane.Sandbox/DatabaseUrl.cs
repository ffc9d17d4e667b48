using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>
/// SQLAlchemy-style <c>postgresql[+driver]://user:password@host:port/dbname[?host=/socket/dir]</c>, as Nexplane's
/// <c>DATABASE_URL</c>, turned into an Npgsql connection string.
/// </summary>
public sealed class DatabaseUrl
{
    DatabaseUrl(NpgsqlConnectionStringBuilder connectionString, string redacted)
    {
        ConnectionString = connectionString.ConnectionString;
        Redacted = redacted;
    }

    public string ConnectionString { get; }

    /// <summary>Safe to print: the password is replaced by <c>***</c>.</summary>
    public string Redacted { get; }

    /// <summary>
    /// The slim builder leaves out type plugins the sandbox never uses (ranges, geometry, full-text, ...), which keeps
    /// the AOT binary small; arrays stay enabled because the schema has <c>tags VARCHAR[]</c>.
    /// </summary>
    public NpgsqlDataSource CreateDataSource() =>
        new NpgsqlSlimDataSourceBuilder(ConnectionString).EnableArrays().Build();

    public static DatabaseUrl FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("DATABASE_URL");
        if (string.IsNullOrWhiteSpace(text))
            throw new DatabaseUrlException("DATABASE_URL is not set (expected postgresql://user:password@host:5432/dbname).");
        return Parse(text);
    }

    /// <summary>
    /// DATABASE_URL for a role that needs it: the parsed URL, or null after printing why it is unusable (the role
    /// then exits 1, as the real app does on a bad setting).
    /// </summary>
    public static DatabaseUrl? FromEnvironmentOrReport()
    {
        try
        {
            return FromEnvironment();
        }
        catch (DatabaseUrlException invalid)
        {
            Console.Error.WriteLine($"ERROR: {invalid.Message}");
            return null;
        }
    }

    public static DatabaseUrl Parse(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) ||
            !(uri.Scheme == "postgresql" || uri.Scheme == "postgres" || uri.Scheme.StartsWith("postgresql+", StringComparison.Ordinal)))
            throw new DatabaseUrlException("DATABASE_URL must look like postgresql://user:password@host:5432/dbname (the value is not shown).");

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Timeout = 5,
            // The sandbox opens few connections and must not keep idle ones past a test's database drop.
            Pooling = false,
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2)
            builder.Password = Uri.UnescapeDataString(userInfo[1]);

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var keyValue = pair.Split('=', 2);
            var value = keyValue.Length == 2 ? Uri.UnescapeDataString(keyValue[1]) : "";
            switch (keyValue[0])
            {
                case "host": builder.Host = value; break;
                case "port" when int.TryParse(value, out var port): builder.Port = port; break;
                case "sslmode" when Enum.TryParse<SslMode>(value, ignoreCase: true, out var sslMode): builder.SslMode = sslMode; break;
            }
        }

        var redactedUser = builder.Username is null ? "" : builder.Username + (builder.Password is null ? "" : ":***") + "@";
        return new DatabaseUrl(builder, $"postgresql://{redactedUser}{builder.Host}:{builder.Port}/{builder.Database}");
    }
}

public sealed class DatabaseUrlException(string message) : Exception(message);
