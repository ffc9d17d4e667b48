namespace Nexplane.Upgrade.Backend;

/// <summary>
/// One place the backend may report its version: a path answering plain text (<c>/downloads/version</c>) or a
/// JSON field of a path (<c>/health#version</c>, the runbook's; real Nexplane's /health has no such field).
/// </summary>
public sealed record VersionEndpoint(string Path, string? JsonField)
{
    public static VersionEndpoint Parse(string text)
    {
        var hash = text.IndexOf('#');
        var path = hash < 0 ? text : text[..hash];
        if (!path.StartsWith('/'))
            path = "/" + path;
        return new VersionEndpoint(path, hash < 0 ? null : text[(hash + 1)..]);
    }

    public override string ToString() => JsonField is null ? Path : $"{Path} (JSON field '{JsonField}')";
}
