using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Steps.Verify;

/// <summary>Verify's line in the dry run.</summary>
public static class VerifyDryRun
{
    public static StepPlan Plan(NexplaneVersion target, string apiUrl, string loginEmail) =>
        new($"check version {target} at {apiUrl}, log in as {loginEmail}, GET /assets");
}
