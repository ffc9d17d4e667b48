using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>
/// The background worker: needs PostgreSQL and redis at start (fails fast with a clear message otherwise), then
/// writes a heartbeat key to redis and logs a line every few seconds until SIGTERM.
/// </summary>
public static class WorkerRole
{
    public const string HeartbeatKey = "nexplane:worker:heartbeat";

    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var release = commandLine.Release();
        if (!RequiredSettingsCheck.Passes(release, "/app/app/worker.py"))
            return 1;
        var interval = TimeSpan.FromSeconds(Math.Max(1, commandLine.IntegerSetting("heartbeat-seconds", "NEXPLANE_HEARTBEAT_SECONDS", 5)));
        var redisUrl = commandLine.Setting("redis-url", "REDIS_URL", "redis://127.0.0.1:6379/0");
        using var shutdown = new ShutdownSignal();

        Log($"Nexplane worker {release.ReportedVersion} starting (pid {Environment.ProcessId})");
        DatabaseUrl databaseUrl;
        try
        {
            databaseUrl = DatabaseUrl.FromEnvironment();
            await using var dataSource = databaseUrl.CreateDataSource();
            await using var connection = await dataSource.OpenConnectionAsync(shutdown.Token);
            Log($"connected to database {databaseUrl.Redacted}");
        }
        catch (Exception failure) when (failure is DatabaseUrlException or NpgsqlException or TimeoutException)
        {
            Console.Error.WriteLine($"ERROR worker: cannot reach the database: {failure.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        RedisConnection redis;
        try
        {
            redis = await RedisConnection.ConnectAsync(redisUrl, shutdown.Token);
            await redis.CommandAsync("PING");
            Log("connected to redis");
        }
        catch (RedisException failure)
        {
            Console.Error.WriteLine($"ERROR worker: cannot reach redis: {failure.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        await using (redis)
        {
            try
            {
                while (!shutdown.Token.IsCancellationRequested)
                {
                    var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
                    await redis.CommandAsync("SET", HeartbeatKey, now, "EX", ((int)interval.TotalSeconds * 3).ToString());
                    Log($"heartbeat {now}");
                    await Task.Delay(interval, shutdown.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception failure) when (failure is RedisException or IOException)
            {
                Console.Error.WriteLine($"ERROR worker: lost redis: {failure.Message}");
                return 1;
            }
        }

        Log($"received {shutdown.ReceivedSignal ?? "shutdown"}, worker stopped");
        return 0;
    }

    static void Log(string message)
    {
        Console.Out.WriteLine($"[{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss,fff}: INFO/MainProcess] {message}");
        Console.Out.Flush();
    }
}
