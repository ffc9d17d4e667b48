using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// Whether an operator's sentence announces a database migration: it names a database, schema or alembic migration
/// ("This release's database migration rewrites the assets table") and does not deny one ("no database migration",
/// "without a schema migration"). A bare "migration" is not enough: announced migrations that do not run fail
/// VerifyMigrations, so this errs on the side of silence.
/// </summary>
public static partial class MigrationStatement
{
    public static bool Announces(string text) =>
        ProseSentences.Of(text).Any(sentence => Announced().IsMatch(sentence) && !Denied().IsMatch(sentence));

    [GeneratedRegex(@"\b(?:database|schema|db|alembic)\s+migrations?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Announced();

    [GeneratedRegex(@"\b(?:no|not|without|none)\b|n't\b", RegexOptions.IgnoreCase)]
    private static partial Regex Denied();
}
