using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Tests.Database;

/// <summary>The databases restores leave beside the deployment's own, and what Preflight says of them.</summary>
public sealed class KeptDatabaseTests
{
    [Theory]
    [InlineData("nexplane_failed_20261206_080724_797", true)]
    [InlineData("nexplane_restore_20261206_080724_797", true)]
    [InlineData("nexplane", false)]
    [InlineData("nexplane_failed", false)]
    [InlineData("nexplane_failed_20261206_080724_797_copy", false)]
    [InlineData("other_failed_20261206_080724_797", false)]
    [InlineData("nexplaneXfailed_20261206_080724_797", false)]
    public void Only_the_names_a_restore_of_this_database_gives_count(string candidate, bool kept) =>
        Assert.Equal(kept, KeptDatabase.IsKeptFrom("nexplane", candidate));

    [Fact]
    public void A_database_name_with_regex_characters_is_matched_literally()
    {
        Assert.True(KeptDatabase.IsKeptFrom("app.db", "app.db_failed_20261206_080724_797"));
        Assert.False(KeptDatabase.IsKeptFrom("app.db", "appXdb_failed_20261206_080724_797"));
    }

    [Fact]
    public void Newest_first_by_the_restores_time_whether_failed_or_restore()
    {
        var lines = KeptDatabase.Lines([
            new KeptDatabase("nexplane_restore_20261201_080000_000", 1),
            new KeptDatabase("nexplane_failed_20261205_080000_000", 1),
            new KeptDatabase("nexplane_failed_20261203_080000_000", 1),
        ]);

        Assert.Equal(["  nexplane_failed_20261205_080000_000 (0.0 MB)", "  nexplane_failed_20261203_080000_000 (0.0 MB)",
            "  nexplane_restore_20261201_080000_000 (0.0 MB)"], lines.Skip(1));
        Assert.StartsWith("Databases left by earlier restores: 3, 0.0 MB", lines[0]);
    }

    [Fact]
    public void None_kept_says_nothing() => Assert.Empty(KeptDatabase.Lines([]));

    [Fact]
    public void Preflight_names_the_newest_five_with_their_sizes_the_total_and_how_to_drop_one()
    {
        var kept = Enumerable.Range(1, 7)
            .Select(day => new KeptDatabase($"nexplane_failed_202612{day:00}_080724_797", day == 7 ? null : 1024L * 1024 * day))
            .ToArray();

        var lines = KeptDatabase.Lines(kept);

        Assert.StartsWith("Databases left by earlier restores: 7, at least 21.0 MB on the db server's disk.", lines[0]);
        Assert.Contains("DROP DATABASE \"<name>\";", lines[0]);
        Assert.Equal(
            ["  nexplane_failed_20261207_080724_797 (size not readable)", "  nexplane_failed_20261206_080724_797 (6.0 MB)",
             "  nexplane_failed_20261205_080724_797 (5.0 MB)", "  nexplane_failed_20261204_080724_797 (4.0 MB)",
             "  nexplane_failed_20261203_080724_797 (3.0 MB)", "  and 2 older one(s)"],
            lines.Skip(1));
    }
}
