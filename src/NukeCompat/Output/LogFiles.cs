using Nuke.Common.IO;

namespace Nuke.Common.Output;

/// <summary>
/// <c>.nuke/temp/build.log</c> (truncated each run) and a timestamped copy per run without the time column, for
/// diffing two runs; only the five newest copies are kept.
/// </summary>
internal static class LogFiles
{
    public const string MainTemplate = "{Timestamp:HH:mm:ss.fff} | {Level:u1} | {ExecutingTarget,-20:l} | {Message:l}{NewLine}{Exception}";
    public const string CopyTemplate = "{Level:u1} | {ExecutingTarget,-20:l} | {Message:l}{NewLine}{Exception}";
    private const int KeptCopies = 5;

    public static (AbsolutePath Main, AbsolutePath Copy) Prepare(AbsolutePath temporaryDirectory, DateTime now)
    {
        temporaryDirectory.CreateDirectory();
        var main = temporaryDirectory / "build.log";
        File.WriteAllText(main, "");
        return (main, PrepareCopy(temporaryDirectory, now));
    }

    /// <summary>The run's timestamped copy, alone; the oldest copies beyond five go.</summary>
    public static AbsolutePath PrepareCopy(AbsolutePath temporaryDirectory, DateTime now)
    {
        temporaryDirectory.CreateDirectory();
        var copy = temporaryDirectory / $"build.{now:yyyy-MM-dd_HH-mm-ss}.log";
        var older = Directory.GetFiles(temporaryDirectory, "build.????-??-??_??-??-??.log")
            .Where(x => x != copy.ToString())
            .OrderDescending(StringComparer.Ordinal)
            .Skip(KeptCopies - 1);
        foreach (var file in older)
            TryDelete(file);
        return copy;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Another build may still hold it open; it goes next time.
        }
    }
}
