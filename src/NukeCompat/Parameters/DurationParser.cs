using System.Globalization;
using System.Text.RegularExpressions;

namespace Nuke.Common.Parameters;

/// <summary>
/// Reads <c>00:05:00</c> as well as the short forms operators type: <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1h30m</c>, <c>500ms</c>.
/// A leading minus negates either form (<c>-5s</c>, as <c>-00:00:05</c> always did), so the build can say why a negative
/// duration is wrong instead of the value failing to parse.
/// </summary>
internal static partial class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var trimmed = text.Trim();
        var negative = trimmed.StartsWith('-');
        var match = ShortForm().Match(negative ? trimmed[1..] : trimmed);
        if (match.Success && trimmed.Length > 0)
        {
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unitMatch = Part().Match(part.Value);
                var number = double.Parse(unitMatch.Groups["number"].Value, CultureInfo.InvariantCulture);
                duration += unitMatch.Groups["unit"].Value.ToLowerInvariant() switch
                {
                    "ms" => TimeSpan.FromMilliseconds(number),
                    "s" => TimeSpan.FromSeconds(number),
                    "m" => TimeSpan.FromMinutes(number),
                    "h" => TimeSpan.FromHours(number),
                    _ => TimeSpan.FromDays(number),
                };
            }

            if (negative)
                duration = duration.Negate();
            return true;
        }

        // A bare number would mean days to TimeSpan.Parse, which nobody intends; only accept the clock form.
        return trimmed.Contains(':') && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out duration);
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h|d))+$", RegexOptions.IgnoreCase)]
    private static partial Regex ShortForm();

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?)(?<unit>ms|s|m|h|d)$", RegexOptions.IgnoreCase)]
    private static partial Regex Part();
}
