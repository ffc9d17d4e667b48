using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Agents;

/// <summary>
/// Fetches the agent binaries of a release from its GitHub assets into a cache directory, one per platform, and
/// accepts only bytes whose SHA-256 equals the release's <c>.sha256</c> file. A cached file is hashed again before
/// it is reused, so a file changed on disk is downloaded anew rather than installed.
/// </summary>
public sealed class AgentBinaryDownloader(GitHubReleaseSource releases, string cacheDirectory)
{
    public async Task<AgentBinary> GetAsync(NexplaneVersion version, AgentPlatform platform, CancellationToken cancellationToken)
    {
        var release = await releases.GetAsync(version, cancellationToken);
        var assetName = platform.AssetName(version.ToString());
        var asset = release.FindAsset(assetName)
                    ?? throw new AgentBinaryException($"Release {release.Tag} has no agent binary {assetName} (assets: {string.Join(", ", release.Assets.Select(a => a.Name))}).");
        var checksumAsset = release.FindAsset(assetName + ".sha256")
                            ?? throw new AgentBinaryException($"Release {release.Tag} has no checksum file {assetName}.sha256; an unverifiable binary is not installed.");
        var expected = AgentBinary.ParseChecksumFile(
            System.Text.Encoding.ASCII.GetString(await releases.DownloadAsync(checksumAsset, cancellationToken)), assetName);

        var directory = Path.Combine(cacheDirectory, version.ToString());
        Directory.CreateDirectory(directory);
        var filePath = Path.Combine(directory, assetName);
        if (File.Exists(filePath) && AgentBinary.HashOf(filePath) == expected)
            return new AgentBinary(platform, version.ToString(), assetName, filePath, expected, new FileInfo(filePath).Length);

        var bytes = await releases.DownloadAsync(asset, cancellationToken);
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        if (actual != expected)
            throw new AgentBinaryException(
                $"{assetName} from release {release.Tag} does not match its checksum: sha256 {actual}, {assetName}.sha256 says {expected}. " +
                "The download is discarded and no host is touched; download it again later or report it to the Nexplane maintainers.");
        // A name of its own: two runs (two deployments) may fetch the same binary at once; the rename is atomic.
        var partial = $"{filePath}.{Guid.NewGuid():N}.partial";
        await File.WriteAllBytesAsync(partial, bytes, cancellationToken);
        File.Move(partial, filePath, overwrite: true);
        return new AgentBinary(platform, version.ToString(), assetName, filePath, expected, bytes.LongLength);
    }
}
