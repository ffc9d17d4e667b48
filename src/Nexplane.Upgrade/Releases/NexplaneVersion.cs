using System.Diagnostics.CodeAnalysis;
using Semver;

namespace Nexplane.Upgrade.Releases;

/// <summary>
/// A Nexplane release version. Nexplane tags its releases <c>vX.Y.Z</c> while images and endpoints may say
/// either <c>0.3.0</c> or <c>v0.3.0</c>: both parse to the same version, and <see cref="HasVPrefix"/> remembers
/// which spelling was used so a tag can be written back the way the deployment spells it.
/// </summary>
public sealed class NexplaneVersion : IComparable<NexplaneVersion>, IEquatable<NexplaneVersion>
{
    NexplaneVersion(SemVersion semantic, bool hasVPrefix)
    {
        Semantic = semantic;
        HasVPrefix = hasVPrefix;
    }

    public SemVersion Semantic { get; }

    public bool HasVPrefix { get; }

    public int Major => (int)Semantic.Major;

    /// <summary>The version without any prefix, e.g. <c>0.3.0</c>.</summary>
    public override string ToString() => Semantic.ToString();

    /// <summary>The Git tag of this release, e.g. <c>v0.3.0</c>.</summary>
    public string GitTag => "v" + Semantic;

    /// <summary>This version spelled as an image tag in the given style.</summary>
    public string ToTag(bool withVPrefix) => withVPrefix ? GitTag : ToString();

    public static NexplaneVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"'{text}' is not a Nexplane version; expected MAJOR.MINOR.PATCH such as 0.3.0 or v0.3.0.");

    public static bool TryParse(string? text, [NotNullWhen(true)] out NexplaneVersion? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var trimmed = text.Trim();
        var hasVPrefix = trimmed.StartsWith('v') || trimmed.StartsWith('V');
        if (!SemVersion.TryParse(hasVPrefix ? trimmed[1..] : trimmed, SemVersionStyles.Strict, out var semantic))
            return false;
        version = new NexplaneVersion(semantic, hasVPrefix);
        return true;
    }

    public int CompareTo(NexplaneVersion? other) =>
        other is null ? 1 : SemVersion.ComparePrecedence(Semantic, other.Semantic);

    public bool Equals(NexplaneVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is NexplaneVersion other && Equals(other);

    public override int GetHashCode() => Semantic.WithoutMetadata().GetHashCode();

    public static bool operator <(NexplaneVersion a, NexplaneVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(NexplaneVersion a, NexplaneVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(NexplaneVersion a, NexplaneVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(NexplaneVersion a, NexplaneVersion b) => a.CompareTo(b) >= 0;
}
