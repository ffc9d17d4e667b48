namespace Nexplane.Upgrade.Database;

/// <summary>Where pg_dump runs: on the host against a published port, or inside the db container.</summary>
public enum BackupMode
{
    /// <summary>Host when the database port answers from this machine, otherwise the container.</summary>
    Auto,
    Host,
    Container,
}

/// <summary>pg_dump's archive format.</summary>
public enum BackupFormat
{
    /// <summary>pg_dump -Fc: compressed, fully decodable by pg_restore, restorable in parallel.</summary>
    Custom,
    /// <summary>The runbook's plain SQL file.</summary>
    Plain,
}
