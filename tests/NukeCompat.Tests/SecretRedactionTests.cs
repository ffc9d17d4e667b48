using Nuke.Common;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace NukeCompat.Tests;

public class SecretRedactionTests
{
    private const string Password = "hunter2-Secret!";

    private sealed class SecretBuild : NukeBuild
    {
        [Parameter, Secret] readonly string? DatabasePassword;
        [Parameter] readonly string? Region;

        public List<LogEvent> CustomSinkEvents { get; } = [];

        public Target Leak => _ => _.Executes(() =>
        {
            Log.Information("Connecting with {Password}", DatabasePassword);
            Log.Warning("Password is " + DatabasePassword);
            throw new InvalidOperationException($"login failed for password {DatabasePassword}");
        });

        public Target RuntimeSecret => _ => _.Executes(() =>
        {
            var token = "token-read-from-file-123";
            SecretRedactor.Register(token);
            Log.Information("Using {Token}", token);
        });

        public Target Conversion => _ => _.Executes(() => { });

        protected internal override void ConfigureLogging(LoggerConfiguration configuration) =>
            configuration.WriteTo.Sink(new ListSink(CustomSinkEvents));
    }

    private sealed class ListSink(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }

    [Fact]
    public void Secret_never_reaches_console_summary_errors_replay_or_exception_text()
    {
        var result = TestBuild.Run<SecretBuild>($"Leak --database-password {Password}");

        Assert.Equal(-1, result.ExitCode);
        Assert.DoesNotContain(Password, result.Output);
        Assert.Contains("Connecting with [REDACTED]", result.Output);
        Assert.Contains("[WRN] Leak: Password is [REDACTED]", result.Output);
        Assert.Contains("login failed for password [REDACTED]", result.Output);
        Assert.EndsWith("// InvalidOperationException: login failed for password [REDACTED]", result.SummaryLine("Leak").TrimEnd());
        // At normal verbosity the console shows the exception's message, not its stack frames.
        Assert.DoesNotContain("at NukeCompat.Tests.SecretRedactionTests", result.Output);
    }

    [Fact]
    public void At_verbose_verbosity_the_stack_trace_is_printed_without_the_secret()
    {
        var result = TestBuild.Run<SecretBuild>($"Leak --database-password {Password} --verbosity verbose");

        Assert.DoesNotContain(Password, result.Output);
        Assert.Contains("at NukeCompat.Tests.SecretRedactionTests", result.Output);
    }

    [Fact]
    public void Secret_never_reaches_the_log_files()
    {
        var result = TestBuild.Run<SecretBuild>($"Leak --database-password {Password}");

        var files = Directory.GetFiles(result.Root.TempDirectory, "build.*log");
        Assert.Equal(2, files.Length);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.Contains("Connecting with [REDACTED]", text);
            Assert.DoesNotContain(Password, text);
        }
    }

    [Fact]
    public void Secret_never_reaches_sinks_the_build_adds()
    {
        var result = TestBuild.Run<SecretBuild>($"Leak --database-password {Password}");

        Assert.NotEmpty(result.Build.CustomSinkEvents);
        foreach (var logEvent in result.Build.CustomSinkEvents)
        {
            using var text = new StringWriter();
            logEvent.RenderMessage(text);
            Assert.DoesNotContain(Password, text.ToString());
            Assert.DoesNotContain(Password, logEvent.Exception?.ToString() ?? "");
            Assert.DoesNotContain(Password, string.Join(",", logEvent.Properties.Values));
        }
    }

    [Fact]
    public void Secret_from_environment_or_parameter_file_is_redacted_too()
    {
        using var root = new TestRoot();
        root.WriteParameters($$"""{ "DatabasePassword": "{{Password}}" }""");

        var fromFile = TestBuild.Run<SecretBuild>("Leak", root: root);
        var fromEnvironment = TestBuild.Run<SecretBuild>("Leak", new() { ["DATABASE_PASSWORD"] = Password });

        Assert.DoesNotContain(Password, fromFile.Output);
        Assert.Contains("Connecting with [REDACTED]", fromFile.Output);
        Assert.DoesNotContain(Password, fromEnvironment.Output);
    }

    [Fact]
    public void Secrets_registered_at_run_time_are_redacted()
    {
        var result = TestBuild.Run<SecretBuild>("RuntimeSecret");

        Assert.Contains("Using [REDACTED]", result.Output);
        Assert.DoesNotContain("token-read-from-file-123", result.Output);
    }

    [Fact]
    public void A_conversion_error_does_not_print_the_secret_value()
    {
        var result = TestBuild.Run<SecretBuild>($"Conversion --database-password {Password} extra");

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("cannot be assigned to 'String'", result.Output);
        Assert.DoesNotContain(Password, result.Output);
    }

    [Fact]
    public void Help_and_schema_never_show_secret_values()
    {
        using var root = new TestRoot();
        root.WriteParameters($$"""{ "DatabasePassword": "{{Password}}" }""");

        var help = TestBuild.Run<SecretBuild>("--help", root: root);

        Assert.Contains("--database-password", help.Output);
        Assert.DoesNotContain(Password, help.Output);
        Assert.DoesNotContain(Password, File.ReadAllText(Path.Combine(root.NukeDirectory, "build.schema.json")));
    }
}
