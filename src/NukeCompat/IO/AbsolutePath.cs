using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Nuke.Common.IO;

/// <summary>
/// An immutable, normalised absolute path. Combine with <c>/</c>; converts implicitly to string.
/// Relative text given to the converter (parameters, files) resolves against the build's root directory.
/// </summary>
[TypeConverter(typeof(AbsolutePathConverter))]
public sealed class AbsolutePath : IEquatable<AbsolutePath>
{
    private readonly string _path;

    private AbsolutePath(string path) => _path = path;

    /// <summary>Creates a path from absolute text; relative text resolves against the current directory.</summary>
    public static AbsolutePath Create(string path) => new(Normalize(Path.GetFullPath(path)));

    public static explicit operator AbsolutePath(string path) => Create(path);

    [return: NotNullIfNotNull(nameof(path))]
    public static implicit operator string?(AbsolutePath? path) => path?._path;

    /// <summary>Appends a relative part; an absolute part replaces the path, like <see cref="Path.Combine(string, string)"/>.</summary>
    public static AbsolutePath operator /(AbsolutePath left, string right) =>
        new(Normalize(Path.GetFullPath(Path.Combine(left._path, right))));

    public static bool operator ==(AbsolutePath? left, AbsolutePath? right) => Equals(left, right);

    public static bool operator !=(AbsolutePath? left, AbsolutePath? right) => !Equals(left, right);

    public AbsolutePath? Parent =>
        Path.GetDirectoryName(_path) is { } parent && parent != _path ? new AbsolutePath(parent) : null;

    public string Name => Path.GetFileName(_path) is { Length: > 0 } name ? name : _path;

    public string NameWithoutExtension => Path.GetFileNameWithoutExtension(_path);

    public string Extension => Path.GetExtension(_path);

    public bool Exists() => FileExists() || DirectoryExists();

    public bool FileExists() => File.Exists(_path);

    public bool DirectoryExists() => Directory.Exists(_path);

    /// <summary>Creates the directory (and parents) if needed and returns the path.</summary>
    public AbsolutePath CreateDirectory()
    {
        Directory.CreateDirectory(_path);
        return this;
    }

    public string RelativeTo(AbsolutePath basePath) => Path.GetRelativePath(basePath, _path);

    public string ReadAllText() => File.ReadAllText(_path);

    public AbsolutePath WriteAllText(string content)
    {
        Parent?.CreateDirectory();
        File.WriteAllText(_path, content);
        return this;
    }

    public bool Equals(AbsolutePath? other) =>
        other is not null && string.Equals(_path, other._path, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is AbsolutePath other && Equals(other);

    public override int GetHashCode() =>
        OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase.GetHashCode(_path) : _path.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => _path;

    private static string Normalize(string path) =>
        path.Length > 1 && (path.EndsWith('/') || path.EndsWith('\\')) && Path.GetPathRoot(path) != path
            ? path.TrimEnd('/', '\\')
            : path;
}
