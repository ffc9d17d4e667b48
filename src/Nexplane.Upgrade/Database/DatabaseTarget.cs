using Npgsql;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// The deployment's PostgreSQL database as reached from this machine. The password is only ever handed to
/// Npgsql and to child processes through PGPASSWORD, never put on a command line or into a message.
/// </summary>
public sealed record DatabaseTarget(string Host, int Port, string Name, string User, string? Password)
{
    public string ConnectionString => ConnectionStringFor(Name);

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = database,
        Username = User,
        Password = Password,
        Timeout = 10,
        CommandTimeout = 0,
        Pooling = false,
        ApplicationName = "nexplane-upgrade",
    }.ConnectionString;

    /// <summary>Where it is, for messages: no password.</summary>
    public override string ToString() => $"{User}@{Host}:{Port}/{Name}";

    /// <summary>Environment for libpq tools (pg_dump, pg_restore, psql): the password travels here, not in argv.</summary>
    public IReadOnlyDictionary<string, string?> LibpqEnvironment => new Dictionary<string, string?>
    {
        ["PGHOST"] = Host,
        ["PGPORT"] = Port.ToString(),
        ["PGUSER"] = User,
        ["PGDATABASE"] = Name,
        ["PGPASSWORD"] = Password,
        ["PGAPPNAME"] = "nexplane-upgrade",
    };
}
