namespace Nexplane.Upgrade.Compose;

/// <summary>One line a pin would change: its number (1-based) and its text before and after (null: absent).</summary>
public sealed record LineChange(int Number, string? Before, string? After)
{
    /// <summary>
    /// The lines that differ between two versions of a file. A pin only rewrites lines in place or appends a
    /// variable, so comparing line by line at the same index is exact.
    /// </summary>
    public static IReadOnlyList<LineChange> Between(string before, string after)
    {
        var old = SplitLines(before);
        var now = SplitLines(after);
        var changes = new List<LineChange>();
        for (var index = 0; index < Math.Max(old.Length, now.Length); index++)
        {
            var was = index < old.Length ? old[index] : null;
            var becomes = index < now.Length ? now[index] : null;
            if (was != becomes)
                changes.Add(new LineChange(index + 1, was, becomes));
        }
        return changes;
    }

    static string[] SplitLines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
}

/// <summary>A deployment file a pin would change, with the tags that move and the lines that would differ.</summary>
public sealed record PlannedFileChange(string Path, IReadOnlyList<PinnedTag> Tags, IReadOnlyList<LineChange> Lines);

public static class PlannedFileChanges
{
    /// <summary>Each changed line as the dry run shows it (<c>path line N: `before` -> `after`</c>), or <paramref name="whenNone"/>.</summary>
    public static IEnumerable<string> Describe(IReadOnlyList<PlannedFileChange> changes, string whenNone)
    {
        if (changes.Count == 0)
            yield return whenNone;
        foreach (var file in changes)
            foreach (var line in file.Lines)
                yield return $"{file.Path} line {line.Number}: {Quote(line.Before)} -> {Quote(line.After)}";
    }

    static string Quote(string? line) => line is null ? "(no line)" : $"`{line.Trim()}`";

    /// <summary>
    /// The lines of <paramref name="all"/> that <paramref name="earlier"/> does not already change: what a later pin
    /// adds (the frontend's), when an earlier one (the backend's) may already have moved a shared IMAGE_TAG.
    /// </summary>
    public static IReadOnlyList<PlannedFileChange> Remaining(IReadOnlyList<PlannedFileChange> all, IReadOnlyList<PlannedFileChange> earlier) =>
        all.Select(file => file with
            {
                Lines = file.Lines.Where(line => !earlier.Any(e => e.Path == file.Path && e.Lines.Contains(line))).ToArray(),
                Tags = file.Tags.Where(tag => !earlier.Any(e => e.Tags.Any(t => t.Service == tag.Service))).ToArray(),
            })
            .Where(file => file.Lines.Count > 0)
            .ToArray();
}
