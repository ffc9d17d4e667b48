using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Whether an operator's sentence announces a database migration: it names a database, schema or alembic migration
/// ("This release's database migration rewrites the assets table") and does not deny one ("no database migration",
/// "without a schema migration"; a negation after it, "the database migration cannot be undone", is no denial).
/// A bare "migration" is not enough: announced migrations that do not run fail VerifyMigrations, so this errs on
/// the side of silence.
/// </summary>
public static partial class MigrationStatement
{
    public static bool Announces(string text) =>
        ProseSentences.Of(text).Any(sentence => Announced().IsMatch(sentence) && !Denied().IsMatch(sentence));

    [GeneratedRegex(@"\b(?:database|schema|db|alembic)\s+migrations?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Announced();

    /// <summary>A negation before the migration: "there is no database migration", "does not include a schema migration".</summary>
    [GeneratedRegex(@"\b(?:no|not|none|without|isn't|aren't|doesn't|don't)\b.*\bmigrations?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Denied();
}
