using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Steps.Frontend;

/// <summary>Frontend's line in the dry run.</summary>
public static class FrontendDryRun
{
    /// <param name="frontendService">Null when the deployment has no frontend to recreate.</param>
    /// <param name="newImage">The frontend's new image, when Preflight resolved one.</param>
    /// <param name="fileChanges">The lines its own pin would change beyond StartBackend's.</param>
    public static StepPlan Plan(string? frontendService, ImageReference? newImage, string? frontendUrl, IReadOnlyList<PlannedFileChange> fileChanges) =>
        frontendService is null
            ? new("no frontend to recreate in this deployment")
            : new($"pin and recreate {frontendService} alone on {newImage?.ToString() ?? "its new image"}; {frontendUrl} must answer 2xx and stay up",
                PlannedFileChanges.Describe(fileChanges, "no file changes of its own (its tag moves with StartBackend's)").ToArray());
}
