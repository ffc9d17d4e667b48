using System.Diagnostics;
using Npgsql;

namespace Nexplane.Sandbox;

/// <summary>
/// <c>alembic upgrade head</c> for the release: every pending revision in ONE transaction (Alembic's default with
/// transactional DDL on PostgreSQL), so a failing revision leaves the database exactly as it was.
/// </summary>
public static class MigrateRole
{
    const string MigrationLogger = "alembic.runtime.migration";

    /// <summary>alembic's exit status for a CommandError (e.g. an unknown revision).</summary>
    const int CommandErrorExitCode = 255;

    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var release = commandLine.Release();
        if (!RequiredSettingsCheck.Passes(release, "/app/alembic/env.py"))
            return 1;

        if (DatabaseUrl.FromEnvironmentOrReport() is not { } databaseUrl)
            return 1;

        var delayPerRevision = TimeSpan.FromMilliseconds(commandLine.IntegerSetting("migration-delay-ms", "NEXPLANE_MIGRATION_DELAY_MS", 0));
        using var shutdown = new ShutdownSignal();

        await using var dataSource = databaseUrl.CreateDataSource();
        NpgsqlConnection connection;
        try
        {
            connection = await dataSource.OpenConnectionAsync(shutdown.Token);
        }
        catch (Exception unreachable) when (unreachable is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            PythonTraceback.AlembicUpgrade()
                .Frame("/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", 146, "__init__", "self._dbapi_connection = engine.raw_connection()")
                .Raise("sqlalchemy.exc.OperationalError",
                    $"(psycopg2.OperationalError) connection to server for {databaseUrl.Redacted} failed: {unreachable.Message}\n" +
                    "(Background on this error at: https://sqlalche.me/e/20/e3q8)");
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Interrupted before connecting; nothing was changed.");
            return 0;
        }

        await using (connection)
        {
            PythonLog.Alembic("INFO", MigrationLogger, "Context impl PostgresqlImpl.");
            PythonLog.Alembic("INFO", MigrationLogger, "Will assume transactional DDL.");

            await using var transaction = await connection.BeginTransactionAsync();
            var current = await SchemaRevision.ReadAsync(connection, transaction);
            if (current.FirstOrDefault(revision => !release.Knows(revision)) is { } unknown)
            {
                // The database is newer than this code (a downgrade) or its history is foreign.
                PythonLog.Alembic("ERROR", "alembic.util.messaging", $"Can't locate revision identified by '{unknown}'");
                Console.Error.WriteLine($"  FAILED: Can't locate revision identified by '{unknown}'");
                return CommandErrorExitCode;
            }

            var pending = PendingRevisions(release, current.FirstOrDefault());
            MigrationStep? step = null;
            Migration? running = null;
            try
            {
                if (pending.Count > 0 && current.Count == 0)
                    await new MigrationStep(connection, transaction).ExecuteAsync(
                        "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");

                foreach (var migration in pending)
                {
                    running = migration;
                    PythonLog.Alembic("INFO", MigrationLogger, $"Running upgrade {migration.DownRevision ?? ""} -> {migration.Revision}, {migration.Description}");
                    if (delayPerRevision > TimeSpan.Zero)
                        await BackfillSlowlyAsync(migration, delayPerRevision, shutdown.Token);
                    step = new MigrationStep(connection, transaction);
                    await migration.Upgrade(step);
                    await step.ExecuteAsync(
                        migration.DownRevision is null
                            ? "INSERT INTO alembic_version (version_num) VALUES (@revision)"
                            : "UPDATE alembic_version SET version_num = @revision WHERE alembic_version.version_num = @previous",
                        ("revision", migration.Revision), ("previous", migration.DownRevision ?? ""));
                    shutdown.Token.ThrowIfCancellationRequested();
                }

                await transaction.CommitAsync(CancellationToken.None);
                return 0;
            }
            catch (PostgresException failure) when (running is not null)
            {
                await RollBackQuietlyAsync(transaction);
                PrintMigrationTraceback(running, step?.CurrentStatement, failure);
                return 1;
            }
            catch (OperationCanceledException)
            {
                await RollBackQuietlyAsync(transaction);
                Console.Error.WriteLine("Interrupted by signal: the migration transaction was rolled back; alembic_version is unchanged.");
                return 0;
            }
        }
    }

    /// <summary>
    /// A slowed revision behaves like a real long backfill: it logs its own progress through Alembic's logger, as
    /// release 0.3.2's <c>backfilling assets.region: 40/200 rows</c> does, in four steps of a quarter of the delay.
    /// </summary>
    static async Task BackfillSlowlyAsync(Migration migration, TimeSpan delay, CancellationToken cancellationToken)
    {
        const int Rows = 200, Steps = 4;
        for (var step = 1; step <= Steps; step++)
        {
            await Task.Delay(delay / Steps, cancellationToken);
            PythonLog.Alembic("INFO", MigrationLogger, $"backfilling {migration.Revision}: {step * Rows / Steps}/{Rows} rows");
        }
    }

    /// <summary>The revisions after <paramref name="current"/> up to the head, in order.</summary>
    static IReadOnlyList<Migration> PendingRevisions(Release release, string? current)
    {
        if (current is null)
            return release.Chain;
        var index = release.Chain.ToList().FindIndex(migration => migration.Revision == current);
        Debug.Assert(index >= 0, "unknown revisions are rejected before this point");
        return release.Chain.Skip(index + 1).ToList();
    }

    static async Task RollBackQuietlyAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The server already aborted the transaction; closing the connection discards it anyway.
        }
    }

    /// <summary>SQLAlchemy's wrapped psycopg2 error, as printed when a migration's SQL fails.</summary>
    static void PrintMigrationTraceback(Migration migration, string? statement, PostgresException failure)
    {
        var psycopgError = $"psycopg2.errors.{PsycopgErrorName(failure.SqlState)}";
        var sqlAlchemyError = failure.SqlState.StartsWith("23", StringComparison.Ordinal) ? "IntegrityError"
            : failure.SqlState.StartsWith("42", StringComparison.Ordinal) ? "ProgrammingError"
            : "OperationalError";
        new PythonTraceback()
            .Frame("/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", 1967, "_exec_single_context", "self.dialect.do_execute(")
            .Frame("/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/default.py", 941, "do_execute", "cursor.execute(statement, parameters)")
            .CausedBy(psycopgError, failure.MessageText)
            .Frame("/usr/local/bin/alembic", 8, "<module>", "sys.exit(main())")
            .Frame("/usr/local/lib/python3.12/site-packages/alembic/command.py", 406, "upgrade", "script.run_env()")
            .Frame("/app/alembic/env.py", 78, "run_migrations_online", "context.run_migrations()")
            .Frame("/usr/local/lib/python3.12/site-packages/alembic/runtime/migration.py", 628, "run_migrations", "step.migration_fn(**kw)")
            .Frame(migration.PythonFile, 24, "upgrade", "op.execute(sa.text(statement))")
            .Frame("/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/default.py", 941, "do_execute", "cursor.execute(statement, parameters)")
            .Raise($"sqlalchemy.exc.{sqlAlchemyError}",
                $"({psycopgError}) {failure.MessageText}\n\n[SQL: {statement}]\n(Background on this error at: https://sqlalche.me/e/20/f405)");
    }

    static string PsycopgErrorName(string sqlState) => sqlState switch
    {
        "42703" => "UndefinedColumn",
        "42P01" => "UndefinedTable",
        "42P07" => "DuplicateTable",
        "42701" => "DuplicateColumn",
        "42710" => "DuplicateObject",
        "23505" => "UniqueViolation",
        "23502" => "NotNullViolation",
        "42601" => "SyntaxError",
        _ => "DatabaseError",
    };
}
