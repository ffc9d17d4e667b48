using Nexplane.Upgrade.Steps.Preflight;

namespace Nexplane.Upgrade.Steps.Pull;

/// <summary>Pull's line in the dry run: each image with the digest Preflight resolved.</summary>
public static class PullDryRun
{
    public static StepPlan Plan(IReadOnlyList<ServiceUpgrade> upgrades) =>
        new("pull every new image before anything stops", upgrades
            .Select(service => $"{service.Service}: {service.To}" +
                (service.ToDigest is { } digest && digest.StartsWith("sha256:", StringComparison.Ordinal) ? "@" + digest : " (the registry named no digest)"))
            .ToArray());
}
