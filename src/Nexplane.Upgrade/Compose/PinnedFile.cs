using System.Security.Cryptography;

namespace Nexplane.Upgrade.Compose;

/// <summary>One tag an upgrade pinned: which service, where the tag lives, and its value before and after.</summary>
/// <param name="Location">Human-readable: <c>image: line</c> or <c>IMAGE_TAG in .env</c>.</param>
public sealed record PinnedTag(string Service, string Location, string? Previous, string Pinned);

/// <summary>
/// A deployment file an upgrade edited, with a byte-for-byte copy of it from before the upgrade
/// (<c>&lt;file&gt;.pre-upgrade-&lt;id&gt;</c>). Plain data, so the journal can store it and a rollback, even in
/// another process, can put the file back exactly as it was.
/// </summary>
public sealed record PinnedFile(string Path, string PreviousCopy, string PreviousSha256, string PinnedSha256, IReadOnlyList<PinnedTag> Tags)
{
    /// <summary>Puts the pre-upgrade bytes back (atomically, keeping the copy), after checking the copy is intact.</summary>
    public void Restore()
    {
        if (!File.Exists(PreviousCopy))
            throw new ComposeFileException($"The copy {PreviousCopy} of {Path} from before the upgrade is missing; restore {Path} by hand.");
        if (Sha256Of(PreviousCopy) != PreviousSha256)
            throw new ComposeFileException($"The copy {PreviousCopy} no longer matches the file saved before the upgrade; restore {Path} by hand.");
        var temporary = Path + ".tmp-" + Environment.ProcessId;
        File.Copy(PreviousCopy, temporary, overwrite: true);
        File.Move(temporary, Path, overwrite: true);
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
