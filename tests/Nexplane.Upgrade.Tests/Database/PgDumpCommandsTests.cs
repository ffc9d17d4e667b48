using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Processes;
using Nexplane.Upgrade.Tests.Processes;

namespace Nexplane.Upgrade.Tests.Database;

public sealed class PgDumpCommandsTests
{
    static readonly DatabaseTarget Database = new("127.0.0.1", 55432, "nexplane", "nexplane", "s3cret-password");

    [Fact]
    public void The_password_travels_in_PGPASSWORD_and_never_in_an_argument()
    {
        // The dump's arguments as BackupService passes them to the tools; the restores as RestoreService runs them.
        var dump = PgDumpCommands.DumpArguments(BackupFormat.Custom, Database.User, Database.Name, "00000003-00000002-1");
        var restore = PgDumpCommands.HostRestore(Database, "nexplane_restore_x", BackupFormat.Custom, "/backups/a.dump", jobs: 4);
        var replay = PgDumpCommands.HostRestore(Database, "nexplane_restore_x", BackupFormat.Plain, "/backups/a.sql", jobs: 4);

        Assert.DoesNotContain(dump, argument => argument.Contains("s3cret-password"));
        foreach (var command in new[] { restore, replay })
        {
            Assert.DoesNotContain(command.Arguments, argument => argument.Contains("s3cret-password"));
            Assert.DoesNotContain("s3cret-password", command.ToString());
            Assert.Equal("s3cret-password", command.Environment["PGPASSWORD"]);
        }
    }

    [Fact]
    public async Task The_host_tools_hand_a_program_the_password_in_its_environment_only()
    {
        // HostPostgresTools is what runs the backup's pg_dump and decoder on this machine: the program sees PGPASSWORD.
        using var stdout = new MemoryStream();
        var result = await new HostPostgresTools(Database, new CliWrapCommandRunner()).RunAsync(["sh", "-c", "printf '%s|%s' \"$PGPASSWORD\" \"$*\"", "sh", "--no-password"],
            new Dictionary<string, string?>(), stdout, null, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("s3cret-password|--no-password", System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task The_host_tools_run_pg_dump_with_the_connection_in_the_environment_and_stream_its_archive_out()
    {
        var commands = new RecordingCommandRunner(_ => new CommandAnswer(StandardOutput: "PGDMP archive"));
        using var archive = new MemoryStream();

        var result = await new HostPostgresTools(Database, commands).RunAsync(
            ["pg_dump", .. PgDumpCommands.DumpArguments(BackupFormat.Custom, Database.User, Database.Name)],
            new Dictionary<string, string?> { ["PGAPPNAME"] = "nexplane-upgrade-backup" }, archive, null, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("PGDMP archive", System.Text.Encoding.UTF8.GetString(archive.ToArray()));
        var dump = Assert.Single(commands.Commands);
        Assert.Equal("pg_dump", dump.Program);
        Assert.DoesNotContain(dump.Arguments, argument => argument.Contains("s3cret-password"));
        Assert.Equal("s3cret-password", dump.Environment["PGPASSWORD"]);
        Assert.Equal("nexplane-upgrade-backup", dump.Environment["PGAPPNAME"]);
    }

    [Fact]
    public async Task The_parallel_loaders_pg_restore_runs_carry_the_password_in_the_environment_only()
    {
        // An archive without table data: the loader lists it, then restores pre-data and post-data, all with pg_restore.
        var commands = new RecordingCommandRunner();

        await new ParallelRestoreLoader(Database, "nexplane_restore_x", "/backups/a.dump", jobs: 4, commands).LoadAsync(CancellationToken.None);

        Assert.Equal(
        [
            "pg_restore --list --section=data /backups/a.dump",
            "pg_restore --no-password --username=nexplane --dbname=nexplane_restore_x --no-owner --exit-on-error --section=pre-data /backups/a.dump",
            "pg_restore --no-password --username=nexplane --dbname=nexplane_restore_x --no-owner --exit-on-error --section=post-data --jobs=4 /backups/a.dump",
        ], commands.Commands.Select(c => c.ToString()));
        Assert.All(commands.Commands, command =>
        {
            Assert.DoesNotContain(command.Arguments, argument => argument.Contains("s3cret-password"));
            Assert.Equal("s3cret-password", command.Environment["PGPASSWORD"]);
            Assert.Equal("nexplane_restore_x", command.Environment["PGDATABASE"]);
        });
    }

    [Fact]
    public async Task A_missing_client_tool_is_named_with_what_to_install()
    {
        var commands = new RecordingCommandRunner(command =>
            throw new CommandNotStartedException(command, new System.ComponentModel.Win32Exception("No such file or directory")));
        var tools = new HostPostgresTools(Database, commands);

        var refused = await Assert.ThrowsAsync<DatabaseToolsException>(() =>
            tools.RunAsync(["pg_dump", "--version"], new Dictionary<string, string?>(), null, null, CancellationToken.None));

        Assert.Equal("pg_dump cannot be started on this machine (No such file or directory); install the PostgreSQL client tools.", refused.Message);
        Assert.Null(await tools.VersionAsync("pg_dump", CancellationToken.None));
    }

    [Fact]
    public void A_custom_dump_streams_to_stdout_from_the_exported_snapshot_at_the_chosen_compression()
    {
        var dump = PgDumpCommands.DumpArguments(BackupFormat.Custom, Database.User, Database.Name, "00000003-00000002-1");

        Assert.Equal(["--format=custom", $"--compress={PgDumpCommands.CustomCompressionLevel}", "--snapshot=00000003-00000002-1",
            "--no-password", "--username=nexplane", "--dbname=nexplane"], dump);
        Assert.DoesNotContain(dump, argument => argument.StartsWith("--file"));
    }

    [Fact]
    public void A_plain_dump_has_no_compression_argument()
    {
        Assert.Equal(["--format=plain", "--no-password", "--username=nexplane", "--dbname=nexplane"],
            PgDumpCommands.DumpArguments(BackupFormat.Plain, "nexplane", "nexplane"));
    }

    [Fact]
    public void Restoring_a_custom_archive_on_the_host_runs_parallel_jobs_into_the_new_database()
    {
        var restore = PgDumpCommands.HostRestore(Database, "nexplane_restore_x", BackupFormat.Custom, "/backups/a.dump", jobs: 4);

        Assert.Equal("pg_restore", restore.Program);
        Assert.Equal(["--no-password", "--username=nexplane", "--dbname=nexplane_restore_x", "--no-owner", "--exit-on-error", "--jobs=4", "/backups/a.dump"],
            restore.Arguments);
        Assert.Equal("nexplane_restore_x", restore.Environment["PGDATABASE"]);
        Assert.Contains("maintenance_work_mem", restore.Environment["PGOPTIONS"]);
    }

    [Fact]
    public void Restoring_inside_the_container_reads_stdin_and_so_runs_one_job()
    {
        Assert.Equal(["pg_restore", "--no-password", "--username=nexplane", "--dbname=x", "--no-owner", "--exit-on-error"],
            PgDumpCommands.ContainerRestore("nexplane", "x", BackupFormat.Custom));
        Assert.Equal(["psql", "--no-password", "--quiet", "--no-psqlrc", "--output=/dev/null", "--set=ON_ERROR_STOP=1", "--single-transaction",
            "--username=nexplane", "--dbname=x"], PgDumpCommands.ContainerRestore("nexplane", "x", BackupFormat.Plain));
    }

    [Fact]
    public void A_full_decode_writes_every_entry_to_dev_null_instead_of_only_listing_the_table_of_contents()
    {
        Assert.Equal(["--file=/dev/null"], PgDumpCommands.FullDecodeArguments(null));
        Assert.Equal(["--file=/dev/null", "/backups/a.dump"], PgDumpCommands.FullDecodeArguments("/backups/a.dump"));
        Assert.DoesNotContain("--list", PgDumpCommands.FullDecodeArguments(null));
    }

    [Theory]
    [InlineData("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", 15)]
    [InlineData("pg_restore (PostgreSQL) 16.4", 16)]
    [InlineData("something else", null)]
    [InlineData(null, null)]
    public void Tool_major_versions_are_read_from_their_version_line(string? line, int? major)
    {
        Assert.Equal(major, PostgresTools.MajorVersion(line));
    }

    [Fact]
    public void The_streaming_decoder_yields_the_cpu_to_pg_dump_on_the_host_and_runs_as_is_in_the_container()
    {
        Assert.Equal(["nice", "-n", "19", "pg_restore", "--file=/dev/null"], PgDumpCommands.StreamingDecodeCommand(BackupMode.Host));
        Assert.Equal(["pg_restore", "--file=/dev/null"], PgDumpCommands.StreamingDecodeCommand(BackupMode.Container));
    }
}
