using EndToEnd.Tests.Sandbox;
using Nexplane.Upgrade.Database;
using Npgsql;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Database;

/// <summary>The write window: which tables took writes between the backup and the stop, from PostgreSQL's counters.</summary>
[Collection(HostDatabaseCollection.Name)]
public sealed class WriteActivityTests(PostgresCluster postgres)
{
    [Fact]
    public async Task Tables_written_between_two_captures_are_named_with_their_row_counts_and_untouched_ones_are_not()
    {
        var database = await postgres.CreateDatabaseAsync();
        var migrate = await SandboxProcess.RunToExitAsync(["migrate", "--release", "0.2.0"], SandboxEnvironment.For(postgres.DatabaseUrl(database)));
        Assert.True(migrate.ExitCode == 0, migrate.AllOutput);
        var activity = new WriteActivity(new DatabaseInspector(new DatabaseTarget("127.0.0.1", postgres.Port, database, "postgres", null), TestAdvice.Nuke));
        var atBackup = await activity.CaptureAsync(CancellationToken.None);

        // The app's writes, from a session that then ends, as the app's sessions do when it is stopped.
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString(database)))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand("update assets set name = name || ' (renamed)' where id in (select id from assets order by id limit 3)", connection);
            Assert.Equal(3, await update.ExecuteNonQueryAsync());
        }
        NpgsqlConnection.ClearAllPools();

        IReadOnlyDictionary<string, long> written = new Dictionary<string, long>();
        for (var attempt = 0; attempt < 50 && written.Count == 0; attempt++)
        {
            written = WriteActivity.Written(atBackup, await activity.CaptureAsync(CancellationToken.None));
            if (written.Count == 0)
                await Task.Delay(100);
        }

        Assert.Equal(new Dictionary<string, long> { ["public.assets"] = 3 }, written);
    }
}
