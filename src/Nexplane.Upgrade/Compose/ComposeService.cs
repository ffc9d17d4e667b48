namespace Nexplane.Upgrade.Compose;

/// <summary>One service of a compose file as the upgrade sees it.</summary>
public sealed record ComposeService(
    string Name,
    string? Image,
    bool HasBuild,
    IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>A service built from source on the host has no image tag to pin: the upgrade cannot move it.</summary>
    public bool IsBuildOnly => HasBuild && Image is null;
}

/// <summary>Where a service's image tag is kept, so it can be pinned without touching anything else.</summary>
public abstract record TagLocation
{
    /// <summary>The tag is written on the compose file's <c>image:</c> line.</summary>
    public sealed record ImageLine(string Service) : TagLocation;

    /// <summary>The <c>image:</c> line interpolates a variable (<c>${IMAGE_TAG}</c>) that the .env file sets.</summary>
    public sealed record EnvVariable(string Service, string Variable) : TagLocation;
}
