using System.Globalization;
using Nuke.Common.IO;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Nuke.Common.Output;

/// <summary>
/// A log file that does not exist until it is started: a run without log files (a server build) starts one when its
/// terminal goes away, so what the run does from then on is kept. Before that, events are dropped here.
/// </summary>
internal sealed class LateFileSink(AbsolutePath directory) : ILogEventSink, IDisposable
{
    private Logger? _file;

    /// <summary>Starts the file (with times: it is the run's only log) and returns it.</summary>
    public AbsolutePath Start(DateTime now)
    {
        var copy = LogFiles.PrepareCopy(directory, now);
        Volatile.Write(ref _file, new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.File(copy, outputTemplate: LogFiles.MainTemplate, formatProvider: CultureInfo.InvariantCulture)
            .CreateLogger());
        return copy;
    }

    public void Emit(LogEvent logEvent) => Volatile.Read(ref _file)?.Write(logEvent);

    public void Dispose() => Volatile.Read(ref _file)?.Dispose();
}
