using Nexplane.Upgrade.Backend;

namespace Nexplane.Upgrade.Tests.Backend;

/// <summary>A backend that stops on its configuration is the operator's to fix, not an issue to file.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public void The_saved_outputs_timestamp_and_stream_are_left_off()
    {
        const string saved = "2026-12-05T20:29:10.406Z stderr Configuration error: NEXPLANE_ENCRYPTION_KEY is too weak: it must be at least 32 characters. The backend will not start.";

        Assert.Equal("Configuration error: NEXPLANE_ENCRYPTION_KEY is too weak: it must be at least 32 characters. The backend will not start",
            StartupFailure.ConfigurationLine(saved));
    }

    [Theory]
    [InlineData("Configuration error: NEXPLANE_ENCRYPTION_KEY is not set (required since Nexplane 0.3.5)")]
    [InlineData("ValueError: WEBHOOK_SECRET must be set")]
    [InlineData("RuntimeError: environment variable SECRET_KEY is required")]
    public void A_line_blaming_a_variable_or_the_configuration_is_found(string line) =>
        Assert.Equal(line, StartupFailure.ConfigurationLine("INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\n" + line + "\nExiting."));

    [Theory]
    [InlineData("sqlalchemy.exc.ProgrammingError: column \"owner_team_id\" does not exist")]
    [InlineData("FAILED: Can't locate revision identified by '006_agent_groups'")]
    [InlineData("AttributeError: 'NoneType' object has no attribute 'owner'")]
    public void A_migration_error_or_a_crash_is_not_a_configuration_problem(string line) =>
        Assert.Null(StartupFailure.ConfigurationLine("Traceback (most recent call last):\n" + line));

    [Fact]
    public void The_saved_output_file_is_read_for_the_configuration_line_and_a_missing_one_gives_none()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("startup-").FullName, "migration-output.log");
        Assert.Null(StartupFailure.ConfigurationLineIn(file));

        File.WriteAllText(file, "2026-12-05T20:29:10.406Z stderr Configuration error: NEXPLANE_ENCRYPTION_KEY is not set. The backend will not start.\n");

        Assert.Equal("Configuration error: NEXPLANE_ENCRYPTION_KEY is not set. The backend will not start", StartupFailure.ConfigurationLineIn(file));
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }
}
