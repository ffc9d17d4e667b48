using System.Globalization;
using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Backend;

/// <summary>
/// How far a long migration says it got, read from its own log line: a count <c>N/M</c> (<c>backfilling
/// assets.region: 40/200 rows</c>) or a percentage (<c>62%</c>, <c>62.5 %</c>). Only a migration's own lines count:
/// Alembic's logger (<c>[alembic.runtime.migration]</c>) or one that names a migration; an access log, a retry count
/// or a disk gauge elsewhere in the backend's output says nothing about it. A count whose first number exceeds the
/// second (a date such as 12/07), whose whole is zero, or that follows a colon (a port) says nothing, nor does a
/// percentage above 100 or a URL's escape (<c>%25</c>).
/// </summary>
public static partial class MigrationShare
{
    /// <summary>The share done, from 0 to 1, or null when the line states none.</summary>
    public static double? Of(string line)
    {
        if (!line.Contains("alembic", StringComparison.OrdinalIgnoreCase) && !line.Contains("migration", StringComparison.OrdinalIgnoreCase))
            return null;
        foreach (Match count in Count().Matches(line))
            if (double.TryParse(count.Groups["done"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var done)
                && double.TryParse(count.Groups["whole"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var whole)
                && whole > 0 && done <= whole)
                return done / whole;
        foreach (Match percent in Percent().Matches(line))
            if (double.TryParse(percent.Groups["percent"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value <= 100)
                return value / 100;
        return null;
    }

    // Whole numbers on both sides, not part of a path, a version or a date with more parts (2026/12/07).
    [GeneratedRegex(@"(?<![\w./:])(?<done>\d+)\s*/\s*(?<whole>\d+)(?![\w./])")]
    private static partial Regex Count();

    [GeneratedRegex(@"(?<![\w.%])(?<percent>\d{1,3}(?:\.\d+)?)\s?%(?![0-9A-Fa-f]{2})")]
    private static partial Regex Percent();
}
