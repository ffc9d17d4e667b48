using System.Security.Cryptography;

namespace Nexplane.Upgrade.Agents;

/// <summary>A downloaded agent binary whose SHA-256 matched the release's <c>.sha256</c> file.</summary>
public sealed record AgentBinary(AgentPlatform Platform, string Version, string AssetName, string FilePath, string Sha256, long Size)
{
    /// <summary>
    /// Reads the expected hash from a release's <c>.sha256</c> file: <c>&lt;hash&gt;  dist/&lt;name&gt;</c>, first field only.
    /// </summary>
    public static string ParseChecksumFile(string text, string assetName)
    {
        var first = text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (first.Length != 64 || !first.All(Uri.IsHexDigit))
            throw new AgentBinaryException($"{assetName}.sha256 does not start with a SHA-256 hash (64 hex digits); it reads '{Shorten(text)}'.");
        return first.ToLowerInvariant();
    }

    public static string HashOf(string filePath)
    {
        using var stream = File.OpenRead(filePath);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static string Shorten(string text) => text.Length <= 80 ? text.Trim() : text[..80].Trim() + "...";
}

/// <summary>An agent binary could not be obtained or did not match its checksum; no host was touched.</summary>
public sealed class AgentBinaryException(string message) : Exception(message);
