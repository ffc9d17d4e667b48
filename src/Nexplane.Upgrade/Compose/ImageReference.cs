namespace Nexplane.Upgrade.Compose;

/// <summary>
/// An image reference split into repository and tag, e.g. <c>127.0.0.1:5000/youbetyourballs/nexplane-backend</c>
/// and <c>0.2.0</c>. A registry port's colon is not a tag separator; a digest (<c>@sha256:...</c>) is kept apart.
/// </summary>
public sealed record ImageReference(string Repository, string? Tag, string? Digest = null)
{
    public static ImageReference Parse(string reference)
    {
        string? digest = null;
        var at = reference.IndexOf('@');
        if (at >= 0)
        {
            digest = reference[(at + 1)..];
            reference = reference[..at];
        }
        var lastSlash = reference.LastIndexOf('/');
        var tagColon = reference.IndexOf(':', lastSlash + 1);
        return tagColon < 0
            ? new ImageReference(reference, null, digest)
            : new ImageReference(reference[..tagColon], reference[(tagColon + 1)..], digest);
    }

    public ImageReference WithTag(string tag) => this with { Tag = tag, Digest = null };

    public override string ToString() =>
        Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);
}
