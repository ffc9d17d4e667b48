using Nuke.Common;
using Serilog;
using Serilog.Formatting.Compact;

/// <summary>
/// The audit log: every event of every run, as one JSON object per line, appended to .nuke/temp/audit.jsonl,
/// opened by a line saying who ran what where. Events reach it already redacted, like every other sink.
/// </summary>
partial class Build
{
    string AuditLogFile => TemporaryDirectory / "audit.jsonl";

    /// <summary>The engine's own screen output (logo, headers, summary table) carries a HostStyle: not audit material.</summary>
    protected override void ConfigureLogging(LoggerConfiguration configuration) =>
        configuration.WriteTo.Logger(audit => audit
            .Filter.ByExcluding(logEvent => logEvent.Properties.ContainsKey("HostStyle"))
            .WriteTo.File(new CompactJsonFormatter(), AuditLogFile, shared: true));

    void LogWhoRanWhat() =>
        Log.Debug("Run by {User} on {Host}: ./build.sh {Arguments}", Environment.UserName, Environment.MachineName,
            string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
}
