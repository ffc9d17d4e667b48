namespace Nexplane.Upgrade.Database;

/// <summary>
/// Whose database a restore replaces: the deployment's, whose replaced database is the bug report's evidence, or a
/// rehearsal's throwaway copy, whose replaced database is the copy's own and goes with it.
/// </summary>
public enum RestoreDestination
{
    Deployment,
    ThrowawayCopy,
}

/// <summary>What a restore says of the database it replaces, true for its <see cref="RestoreDestination"/>.</summary>
public static class RestoreWording
{
    /// <summary>After the swap: where the replaced database went.</summary>
    public static string Swapped(RestoreDestination destination, string database, string archiveFile, string? kept) =>
        (kept, destination) switch
        {
            (null, _) => $"Restored {database} from {archiveFile}; there was no database of that name to keep.",
            (_, RestoreDestination.ThrowawayCopy) =>
                $"Restored the copy's {database} from {archiveFile}; the database it replaced ({kept}, created with the copy's server) is removed with the copy.",
            _ => $"Restored {database} from {archiveFile}; the replaced database is kept as {kept} for the bug report.",
        };

    /// <summary>A role without CREATEDB: the restore empties the database it replaces instead of keeping it.</summary>
    public static string InPlaceWarning(RestoreDestination destination, string user, string database) => destination switch
    {
        RestoreDestination.ThrowawayCopy =>
            $"The role '{user}' cannot create databases in the throwaway copy, so the backup is loaded into the copy's {database} in place; " +
            "the deployment's database is not touched.",
        _ => $"The role '{user}' cannot create databases, so the backup cannot be restored beside {database}: " +
             $"dropping and recreating {database}'s contents instead. The current (failed) data is NOT kept; take a copy first if the bug report needs it " +
             "(or grant CREATEDB to the role and run Restore again).",
    };

    /// <summary>An in-place load that failed: the state the database is left in, and what to do.</summary>
    public static string InPlaceLoadFailed(RestoreDestination destination, string database) => destination switch
    {
        RestoreDestination.ThrowawayCopy => $"{database} is the throwaway copy's; the deployment's database was not touched.",
        _ => $"{database} was emptied and is only partly restored: fix the cause and run Restore again before starting the app.",
    };
}
