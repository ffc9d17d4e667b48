using System.Text;

namespace Nexplane.Sandbox;

/// <summary>
/// The line a release's agent asset carries after the executable's own bytes: <c>\n#nexplane-agent-release=0.4.0\n</c>.
/// ELF loaders ignore trailing bytes, so the asset still runs, and each release's asset (and its checksum) differs,
/// as real per-release builds do. The binary reads it back from <c>/proc/self/exe</c> to know which release it is.
/// </summary>
public static class AgentReleaseTrailer
{
    const string Marker = "\n#nexplane-agent-release=";

    /// <summary>Enough for the marker and any version; reading only the tail keeps start-up cheap on a 10 MB binary.</summary>
    const int TailBytes = 256;

    public static byte[] Append(byte[] executable, string version)
    {
        var untagged = executable.AsSpan(0, executable.Length - TrailerLength(executable));
        return [.. untagged, .. Encoding.ASCII.GetBytes($"{Marker}{version}\n")];
    }

    /// <summary>The version in the file's trailer, or null when it has none (or cannot be read).</summary>
    public static string? Read(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var tail = new byte[Math.Min(TailBytes, file.Length)];
            file.Seek(-tail.Length, SeekOrigin.End);
            file.ReadExactly(tail);
            return Parse(tail);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    static string? Parse(ReadOnlySpan<byte> tail)
    {
        if (tail.IsEmpty || tail[^1] != (byte)'\n')
            return null;
        var text = Encoding.ASCII.GetString(tail[..^1]);
        var start = text.LastIndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
            return null;
        var version = text[(start + Marker.Length)..];
        return version.Length > 0 && !version.Contains('\n') ? version : null;
    }

    /// <summary>Length of an existing trailer, so re-tagging an already tagged binary replaces rather than stacks.</summary>
    static int TrailerLength(byte[] executable)
    {
        var tail = executable.AsSpan(Math.Max(0, executable.Length - TailBytes));
        if (Parse(tail) is not { } version)
            return 0;
        return Marker.Length + Encoding.ASCII.GetByteCount(version) + 1;
    }
}
