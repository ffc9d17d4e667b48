using Nexplane.Upgrade.Backend;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>The share a long migration states in its own log lines, and the numbers that only look like one.</summary>
public class MigrationShareTests
{
    [Theory]
    [InlineData("INFO  [alembic.runtime.migration] backfilling assets.region: 40/200 rows", 0.2)]
    [InlineData("INFO  [alembic.runtime.migration] backfilling 200 / 200", 1.0)]
    [InlineData("INFO  [alembic.runtime.migration] reindexing: 62%", 0.62)]
    [InlineData("INFO  [app.migrations.005_asset_region] copied 62.5 % of assets", 0.625)]
    [InlineData("INFO alembic.runtime.migration - batch 0/50", 0.0)]
    public void A_count_or_a_percentage_in_a_migrations_own_line_is_the_share_done(string line, double share)
    {
        Assert.Equal(share, MigrationShare.Of(line)!.Value, precision: 6);
    }

    [Theory]
    [InlineData("INFO  [alembic.runtime.migration] Running upgrade 004_name_index -> 005_asset_region, asset region")]
    [InlineData("INFO:     127.0.0.1:50312 - \"GET /api/v1/health HTTP/1.1\" 200 OK")]
    [InlineData("INFO:     127.0.0.1:50312 - \"GET /api/migrations?q=50%25 HTTP/1.1\" 200 OK")]
    [InlineData("WARNING  [app.db] retry 1/5: database not ready")]
    [InlineData("INFO  [app.health] disk usage 93%")]
    [InlineData("INFO  [alembic.runtime.migration] started at 12/07 (a date: more done than whole)")]
    [InlineData("INFO  [alembic.runtime.migration] as of 2026/12/07")]
    [InlineData("INFO  [alembic.runtime.migration] 0/0 rows to backfill")]
    [InlineData("INFO  [alembic.runtime.migration] connecting to db:5432/5432")]
    [InlineData("INFO  [alembic.runtime.migration] cpu at 150%")]
    [InlineData("INFO  [alembic.runtime.migration] image 127.0.0.1:5000/nexplane/backend:0.3.2")]
    public void Numbers_that_are_not_a_migrations_share_state_none(string line)
    {
        Assert.Null(MigrationShare.Of(line));
    }
}
