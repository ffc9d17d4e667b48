using System.Globalization;

namespace Nexplane.Upgrade.Progress;

/// <summary>
/// How amounts and rates read, the same on a terminal and in a log file: 312.4 MB of 1.1 GB, 48.2 MB/s. Sizes count
/// in 1024s, as the backup's and the restore's own log lines do, so a file shows one size everywhere.
/// </summary>
public static class ProgressText
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Amount(ProgressUnit unit, double done, double? total) => unit switch
    {
        ProgressUnit.Elapsed => "",
        ProgressUnit.Bytes => total is { } bytes ? $"{Bytes(done)} of {Bytes(bytes)}" : Bytes(done),
        ProgressUnit.Rows => total is { } rows ? $"{Count(done)} of {Count(rows)} rows" : $"{Count(done)} rows",
        _ => total is { } hosts ? $"{Count(done)} of {Count(hosts)} hosts" : $"{Count(done)} hosts",
    };

    /// <summary>Per second, for bytes and rows; empty when nothing moved yet or the unit has no rate.</summary>
    public static string Rate(ProgressUnit unit, double done, TimeSpan elapsed)
    {
        if (elapsed <= TimeSpan.Zero || done <= 0)
            return "";
        var perSecond = done / elapsed.TotalSeconds;
        return unit switch
        {
            ProgressUnit.Bytes => $"{Bytes(perSecond)}/s",
            ProgressUnit.Rows => $"{Count(perSecond)} rows/s",
            _ => "",
        };
    }

    public static string Percent(double done, double? total) =>
        total is > 0 ? string.Create(Invariant, $"{Math.Min(done / total.Value, 1) * 100:0} %") : "";

    public static string Elapsed(TimeSpan elapsed) =>
        elapsed.TotalHours >= 1 ? elapsed.ToString(@"h\:mm\:ss", Invariant) : elapsed.ToString(@"m\:ss", Invariant);

    public static string Bytes(double bytes) => bytes switch
    {
        >= 1 << 30 => string.Create(Invariant, $"{bytes / (1 << 30):0.0} GB"),
        >= 1 << 20 => string.Create(Invariant, $"{bytes / (1 << 20):0.0} MB"),
        >= 1 << 10 => string.Create(Invariant, $"{bytes / (1 << 10):0} kB"),
        _ => string.Create(Invariant, $"{bytes:0} B"),
    };

    static string Count(double count) => string.Create(Invariant, $"{count:#,0}");

    /// <summary>One line for a log: <c>Backup: 312.4 MB, 48.2 MB/s, 0:07</c>.</summary>
    public static string Line(string label, ProgressUnit unit, double done, double? total, TimeSpan elapsed)
    {
        var parts = new[]
            {
                Amount(unit, done, total),
                Percent(done, total),
                Rate(unit, done, elapsed),
                unit == ProgressUnit.Elapsed ? $"running for {Elapsed(elapsed)}" : Elapsed(elapsed),
            }
            .Where(part => part.Length > 0);
        return $"{label}: {string.Join(", ", parts)}";
    }
}
