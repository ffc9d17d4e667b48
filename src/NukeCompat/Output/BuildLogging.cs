using System.Globalization;
using Nuke.Common.Hosts;
using Nuke.Common.IO;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Spectre.Console;

namespace Nuke.Common.Output;

/// <summary>
/// The run's Serilog pipeline: an enricher for the executing target, then a redacting stage in front of every sink
/// (console, warning collector, log files and whatever the build adds through <see cref="NukeBuild.ConfigureLogging"/>).
/// </summary>
internal sealed class BuildLogging : IDisposable
{
    private readonly Logger _sinks;
    private readonly LateFileSink? _lateRunLog;
    private readonly object _gate = new();

    private BuildLogging(Logger logger, Logger sinks, LoggingLevelSwitch levelSwitch, WarningCollector warnings, AbsolutePath? runLogFile, LateFileSink? lateRunLog)
    {
        RunLogFile = runLogFile;
        _lateRunLog = lateRunLog;
        Logger = logger;
        _sinks = sinks;
        LevelSwitch = levelSwitch;
        Warnings = warnings;
        Host = new HostOutput(logger);
    }

    public Logger Logger { get; }
    public LoggingLevelSwitch LevelSwitch { get; }
    public WarningCollector Warnings { get; }
    public HostOutput Host { get; }

    /// <summary>
    /// This run's own log (<c>build.&lt;start time&gt;.log</c>): the next run truncates build.log, not this one. null
    /// without log files until <see cref="EnsureRunLog"/> starts one.
    /// </summary>
    public AbsolutePath? RunLogFile { get; private set; }

    /// <summary>
    /// The run's own log, started now if the run has none (a server build writes no log files): once the terminal is
    /// gone, the rest of the run must still be written somewhere. null only when there is nowhere to start one.
    /// </summary>
    public AbsolutePath? EnsureRunLog(DateTime now)
    {
        lock (_gate)
        {
            if (RunLogFile is null && _lateRunLog is not null)
                RunLogFile = _lateRunLog.Start(now);
            return RunLogFile;
        }
    }

    public static BuildLogging Create(
        TextWriter output,
        AnsiPalette? palette,
        Verbosity verbosity,
        AbsolutePath? logDirectory,
        Func<string?> currentTarget,
        Action<LoggerConfiguration>? configureSinks,
        BuildHost? host = null,
        IAnsiConsole? live = null,
        AbsolutePath? lateLogDirectory = null)
    {
        var levelSwitch = new LoggingLevelSwitch(ToConsoleLevel(verbosity));
        var warnings = new WarningCollector();
        AbsolutePath? runLogFile = null;
        LateFileSink? lateRunLog = null;
        var sinks = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Sink(new TerminalSink(output, levelSwitch, palette, host, live))
            .WriteTo.Sink(warnings);
        if (logDirectory is not null)
        {
            var (main, copy) = LogFiles.Prepare(logDirectory, DateTime.Now);
            runLogFile = copy;
            sinks.WriteTo.File(main, outputTemplate: LogFiles.MainTemplate, formatProvider: CultureInfo.InvariantCulture)
                .WriteTo.File(copy, outputTemplate: LogFiles.CopyTemplate, formatProvider: CultureInfo.InvariantCulture);
        }
        else if (lateLogDirectory is not null)
        {
            lateRunLog = new LateFileSink(lateLogDirectory);
            sinks.WriteTo.Sink(lateRunLog);
        }

        configureSinks?.Invoke(sinks);
        var sinkLogger = sinks.CreateLogger();
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.With(new ExecutingTargetEnricher(currentTarget))
            .WriteTo.Sink(new RedactingSink(sinkLogger))
            .CreateLogger();
        return new BuildLogging(logger, sinkLogger, levelSwitch, warnings, runLogFile, lateRunLog);
    }

    /// <summary>Normal shows debug output, like NUKE; the files always get everything.</summary>
    public static LogEventLevel ToConsoleLevel(Verbosity verbosity) => verbosity switch
    {
        Verbosity.Verbose => LogEventLevel.Verbose,
        Verbosity.Minimal => LogEventLevel.Warning,
        Verbosity.Quiet => LogEventLevel.Error,
        _ => LogEventLevel.Debug,
    };

    public void Dispose()
    {
        Logger.Dispose();
        _sinks.Dispose();
        _lateRunLog?.Dispose();
    }
}
