using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;
using Nexplane.Upgrade.Tests.Operator;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>The images' gate: the new images must exist before anything is pulled or stopped.</summary>
public sealed class PreflightGatesImagesTests
{
    static KeyValuePair<string, NexplaneVersion> Pinned(string service, string tag) => new(service, V(tag));

    [Fact]
    public void The_tag_format_is_as_asked_else_as_the_first_pinned_tag_is_spelled()
    {
        Assert.True(PreflightGates.TagsWithVPrefix(TagFormat.V, [Pinned("backend", "0.2.0")]));
        Assert.False(PreflightGates.TagsWithVPrefix(TagFormat.Plain, [Pinned("backend", "v0.2.0")]));
        Assert.True(PreflightGates.TagsWithVPrefix(TagFormat.Detect, [Pinned("backend", "v0.2.0"), Pinned("frontend", "0.2.0")]));
        Assert.False(PreflightGates.TagsWithVPrefix(TagFormat.Detect, [Pinned("backend", "0.2.0"), Pinned("frontend", "v0.2.0")]));
        Assert.False(PreflightGates.TagsWithVPrefix(TagFormat.Detect, []));
    }

    [Fact]
    public void Each_service_moves_to_its_own_image_at_the_targets_tag()
    {
        var targets = PreflightGates.TargetImages(Files(), ["backend", "frontend"], V("0.3.0"), withVPrefix: true);

        Assert.Equal(["backend: registry.local/nexplane-backend:0.2.0 -> registry.local/nexplane-backend:v0.3.0",
                      "frontend: registry.local/nexplane-frontend:0.2.0 -> registry.local/nexplane-frontend:v0.3.0"],
            targets.Select(t => $"{t.Service}: {t.From} -> {t.To}"));
    }

    [Fact]
    public void An_image_the_registry_does_not_hold_is_refused_and_still_moved_to()
    {
        var missing = new ImageLookup("backend", ImageReference.Parse("registry.local/nexplane-backend:0.2.0"),
            ImageReference.Parse("registry.local/nexplane-backend:0.3.0"), new RegistryAnswer(null));

        var failure = Assert.Single(PreflightGates.Images([missing], TestAdvice.Nuke));

        Assert.Equal(new UpgradeGateFailure("image", "The image registry.local/nexplane-backend:0.3.0 does not exist in its registry. " +
                                                     "Check --version and the image tag format (--tag-format)."), failure);
        Assert.Equal(new ServiceUpgrade("backend", missing.From, missing.To, null), Assert.Single(PreflightGates.ServiceUpgrades([missing])));
    }

    [Fact]
    public void A_registry_that_cannot_be_asked_is_refused_and_its_image_is_no_move()
    {
        var unasked = new ImageLookup("frontend", ImageReference.Parse("registry.local/nexplane-frontend:0.2.0"),
            ImageReference.Parse("registry.local/nexplane-frontend:0.3.0"), new RegistryAnswer(null, "registry.local answered 401"));
        var found = Found("backend", "registry.local/nexplane-backend:0.2.0", "registry.local/nexplane-backend:0.3.0");

        Assert.Equal(new UpgradeGateFailure("image", "registry.local answered 401"), Assert.Single(PreflightGates.Images([found, unasked], TestAdvice.Nuke)));
        var upgrade = Assert.Single(PreflightGates.ServiceUpgrades([found, unasked]));
        Assert.Equal(("backend", "sha256:backend"), (upgrade.Service, upgrade.ToDigest));
    }
}
