using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// A database a restore left beside the deployment's own: the replaced one, kept as <c>&lt;db&gt;_failed_&lt;stamp&gt;</c>
/// (the data of an upgrade that was rolled back, with the writes made between its backup and its stop), or a
/// <c>&lt;db&gt;_restore_&lt;stamp&gt;</c> that an interrupted restore did not finish. Nothing removes them, since they may
/// hold the only copy of those writes; they take room on the db server's disk, so Preflight names them.
/// <see cref="SizeBytes"/> is null when the user may not connect to it (PostgreSQL then does not tell its size).
/// </summary>
public sealed record KeptDatabase(string Name, long? SizeBytes)
{
    /// <summary>Whether <paramref name="candidate"/> is a database RestoreService made for <paramref name="database"/>.</summary>
    public static bool IsKeptFrom(string database, string candidate) =>
        Regex.IsMatch(candidate, $@"\A{Regex.Escape(database)}_(failed|restore)_\d{{8}}_\d{{6}}_\d{{3}}\z");

    /// <summary>When the restore that left it ran: the stamp its name ends with (yyyyMMdd_HHmmss_fff), which sorts as text.</summary>
    string Stamp => Name[^19..];

    /// <summary>What Preflight says of them: how many, how much room, which ones, and how to drop one once nobody needs it.</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<KeptDatabase> kept)
    {
        if (kept.Count == 0)
            return [];
        const int named = 5;
        var total = kept.Sum(database => database.SizeBytes ?? 0);
        var unreadable = kept.Any(database => database.SizeBytes is null);
        var lines = new List<string>
        {
            $"Databases left by earlier restores: {kept.Count}, {(unreadable ? "at least " : "")}{ByteSize.Megabytes(total)} on the db server's disk. A _failed_ one is the data " +
            "of an upgrade that was rolled back, with the writes made between its backup and its stop; a _restore_ one is a restore that did " +
            "not finish. Nothing removes them; once nobody needs one: DROP DATABASE \"<name>\";",
        };
        lines.AddRange(kept.OrderByDescending(database => database.Stamp, StringComparer.Ordinal).Take(named)
            .Select(database => $"  {database.Name} ({(database.SizeBytes is { } size ? ByteSize.Megabytes(size) : "size not readable")})"));
        if (kept.Count > named)
            lines.Add($"  and {kept.Count - named} older one(s)");
        return lines;
    }
}
