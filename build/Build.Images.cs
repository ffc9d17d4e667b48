using Nuke.Common;

partial class Build
{
    [Parameter("Image repository prefix of the app images, e.g. youbetyourballs/nexplane or ghcr.io/youbetyourballs/nexplane")]
    readonly string? ImageRepository;

    /// <summary>Every new image is pulled while the old version still serves, so a failed pull changes nothing.</summary>
    Target Pull => _ => _
        .Description("Pulls every new image before anything stops and records its digest")
        .DependsOn(Backup)
        .Executes(() => NotImplementedYet(nameof(Pull)));
}
