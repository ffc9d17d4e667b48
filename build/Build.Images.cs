using Nuke.Common;

partial class Build
{
    /// <summary>Every new image is pulled while the old version still serves, so a failed pull changes nothing.</summary>
    Target Pull => _ => _
        .Description("Pulls every new image before anything stops and records its digest")
        .DependsOn(Backup)
        .OnlyWhenStatic(() => NotDryRun)
        .OnlyWhenDynamic(() => NotDoneBeforeResuming(nameof(Pull)))
        .Executes(async cancellationToken => await Run.PullAsync(Live, cancellationToken));
}
