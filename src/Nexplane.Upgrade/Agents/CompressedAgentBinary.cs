using System.Collections.Concurrent;
using System.IO.Compression;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// The agent binary gzipped once per run and shared by every host: it compresses about 2:1, and SSH's encryption of
/// the upload (both ends on the CPU) is what a wave of hosts waits for most (benchmarks/fleet.sh). The host
/// decompresses with gzip and the sha256 of the result is checked as before, so the compressed copy needs no trust.
/// </summary>
public static class CompressedAgentBinary
{
    static readonly ConcurrentDictionary<string, Lazy<byte[]>> Compressed = new();

    public static Stream Open(AgentBinary binary) =>
        new MemoryStream(Compressed.GetOrAdd($"{binary.FilePath}\n{binary.Sha256}", _ => new Lazy<byte[]>(() => Compress(binary.FilePath))).Value,
            writable: false);

    static byte[] Compress(string filePath)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var input = File.OpenRead(filePath))
            input.CopyTo(gzip);
        return output.ToArray();
    }
}
