namespace Nexplane.Upgrade.Database;

/// <summary>
/// Which database this is, as PostgreSQL itself tells it: the cluster's system identifier (chosen by initdb, so a new
/// volume or a reinstalled server has another) and the database's oid (a database restored into a new one and swapped
/// in, or dropped and re-created, has another). Journals and backups record it, so nothing recorded for one database is
/// ever acted out on another that only carries the same name.
/// </summary>
public sealed record DatabaseIdentity(string SystemIdentifier, long Oid, string Name)
{
    /// <summary>One query, answered by any user that can connect (pg_control_system needs no superuser).</summary>
    public const string Query =
        "select (select system_identifier::text from pg_control_system()), oid::bigint, datname from pg_database where datname = current_database()";

    public override string ToString() => $"{Name} (oid {Oid}) in cluster {SystemIdentifier}";

    /// <summary>What differs from <paramref name="other"/>, in an operator's words; null when they are the same database.</summary>
    public string? DifferenceFrom(DatabaseIdentity other) =>
        SystemIdentifier != other.SystemIdentifier
            ? $"the database cluster is another one (system identifier {SystemIdentifier}, now {other.SystemIdentifier}): " +
              "a new volume or a reinstalled server since"
            : Oid != other.Oid || Name != other.Name
                ? $"database {Name} (oid {Oid}) is now {other.Name} (oid {other.Oid}): restored into a new database, or dropped and re-created, since"
                : null;
}
