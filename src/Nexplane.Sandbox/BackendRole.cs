using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>
/// <c>uvicorn app.main:app</c>: the backend API on HOST/PORT (default 127.0.0.1:8000), backed by PostgreSQL.
/// Startup order and lines follow uvicorn: settings import, "Started server process", lifespan startup
/// (where a wrong schema revision or 0.3.2's defect aborts), "Application startup complete.", then bind.
/// </summary>
public static class BackendRole
{
    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var release = commandLine.Release();
        if (!RequiredSettingsCheck.Passes(release, "/app/app/main.py"))
            return 1;

        if (DatabaseUrl.FromEnvironmentOrReport() is not { } databaseUrl)
            return 1;

        PythonLog.Uvicorn("INFO", $"Started server process [{Environment.ProcessId}]");
        PythonLog.Uvicorn("INFO", "Waiting for application startup.");

        await using var dataSource = databaseUrl.CreateDataSource();
        if (!await LifespanStartupSucceedsAsync(release, dataSource, databaseUrl))
        {
            PythonLog.Uvicorn("ERROR", "Application startup failed. Exiting.");
            return 1;
        }

        var (builder, host, port) = HttpHosting.CreateBuilder(commandLine, defaultPort: 8000);
        await using var app = builder.Build();
        app.UseAccessLog();
        var api = new BackendApi(release, new BackendStore(dataSource), new AccessTokens(Environment.GetEnvironmentVariable("SECRET_KEY")!),
            includeVersionInHealth: commandLine.FlagSetting("health-version", "NEXPLANE_HEALTH_VERSION", defaultValue: true),
            downloadsVersionPrefix: commandLine.Setting("downloads-version-prefix", "NEXPLANE_DOWNLOADS_VERSION_PREFIX", ""));
        api.Map(app.MapGroup(NormalizedPrefix(commandLine.Setting("api-prefix", "NEXPLANE_API_PREFIX", ""))));

        PythonLog.Uvicorn("INFO", "Application startup complete.");
        if (!await HttpHosting.TryStartAsync(app, host, port))
            return 1;
        PythonLog.Uvicorn("INFO", $"Uvicorn running on http://{host}:{port} (Press CTRL+C to quit)");

        await app.WaitForShutdownAsync();
        PythonLog.Uvicorn("INFO", "Shutting down");
        PythonLog.Uvicorn("INFO", "Waiting for application shutdown.");
        PythonLog.Uvicorn("INFO", "Application shutdown complete.");
        PythonLog.Uvicorn("INFO", $"Finished server process [{Environment.ProcessId}]");
        return 0;
    }

    /// <summary><c>/api/</c> or <c>api</c> become <c>/api</c>; empty stays empty (mounted at the root).</summary>
    static string NormalizedPrefix(string prefix)
    {
        var trimmed = prefix.Trim().Trim('/');
        return trimmed.Length == 0 ? "" : "/" + trimmed;
    }

    static async Task<bool> LifespanStartupSucceedsAsync(Release release, NpgsqlDataSource dataSource, DatabaseUrl databaseUrl)
    {
        IReadOnlyList<string> revisions;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            revisions = await SchemaRevision.ReadAsync(connection);
        }
        catch (Exception unreachable) when (unreachable is NpgsqlException or TimeoutException)
        {
            new PythonTraceback()
                .Frame("/usr/local/lib/python3.12/site-packages/starlette/routing.py", 693, "lifespan", "async with self.lifespan_context(app) as maybe_state:")
                .Frame("/app/app/main.py", 41, "lifespan", "await check_database()")
                .Raise("sqlalchemy.exc.OperationalError",
                    $"(psycopg2.OperationalError) connection to server for {databaseUrl.Redacted} failed: {unreachable.Message}", "ERROR:    ");
            return false;
        }

        var current = revisions.Count == 0 ? "<none>" : string.Join(",", revisions);
        if (revisions.Count != 1 || revisions[0] != release.Head)
        {
            new PythonTraceback()
                .Frame("/usr/local/lib/python3.12/site-packages/starlette/routing.py", 693, "lifespan", "async with self.lifespan_context(app) as maybe_state:")
                .Frame("/app/app/main.py", 44, "lifespan", "raise RuntimeError(...)")
                .Raise("RuntimeError",
                    $"Database schema revision {current} does not match this release's head {release.Head} (Nexplane {release.Version}); run 'alembic upgrade head' first",
                    "ERROR:    ");
            return false;
        }

        if (release.Defect == ReleaseDefect.ServeCrashesAtStartup)
        {
            new PythonTraceback()
                .Frame("/usr/local/lib/python3.12/site-packages/starlette/routing.py", 693, "lifespan", "async with self.lifespan_context(app) as maybe_state:")
                .Frame("/app/app/main.py", 47, "lifespan", "app.state.webhooks = WebhookDispatcher.from_settings(settings)")
                .Frame("/app/app/webhooks/dispatcher.py", 33, "from_settings", "algorithm=settings.webhook_signing_algorithm,")
                .Raise("AttributeError", "'Settings' object has no attribute 'webhook_signing_algorithm'", "ERROR:    ");
            return false;
        }

        // 0.3.5 (real-shape catalog): a variable read when the app starts, after the migrations already ran.
        return RequiredSettingsCheck.StartupPasses(release);
    }
}
