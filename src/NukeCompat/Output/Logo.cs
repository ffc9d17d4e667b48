using System.Reflection;
using System.Runtime.InteropServices;

namespace Nuke.Common.Output;

/// <summary>The banner printed at the start of a run unless <c>--no-logo</c>.</summary>
internal static class Logo
{
    private static readonly string[] Banner =
    [
        "███╗   ██╗██╗   ██╗██╗  ██╗███████╗",
        "████╗  ██║██║   ██║██║ ██╔╝██╔════╝",
        "██╔██╗ ██║██║   ██║█████╔╝ █████╗  ",
        "██║╚██╗██║██║   ██║██╔═██╗ ██╔══╝  ",
        "██║ ╚████║╚██████╔╝██║  ██╗███████╗",
        "╚═╝  ╚═══╝ ╚═════╝ ╚═╝  ╚═╝╚══════╝",
    ];

    public static void Write(HostOutput host)
    {
        foreach (var line in Banner)
            host.Write(line, OutputStyle.Debug);
        host.Blank();
        host.Write($"NukeCompat Execution Engine version {EngineVersion} ({OperatingSystemName},{RuntimeInformation.FrameworkDescription})");
        host.Blank();
    }

    private static string EngineVersion =>
        typeof(Logo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Logo).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static string OperatingSystemName =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "macOS" : RuntimeInformation.OSDescription;
}
