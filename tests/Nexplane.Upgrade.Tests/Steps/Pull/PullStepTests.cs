using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Steps.Pull;
using Nexplane.Upgrade.Tests.Runs;

namespace Nexplane.Upgrade.Tests.Steps.Pull;

/// <summary>Pull with the registry's answers given as data: every new image asked for, a tag that moved since Preflight said.</summary>
public sealed class PullStepTests
{
    readonly RecordedOutput _output = new();

    const string Preflighted = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const string Moved = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    /// <summary>A registry that serves each image under the digest it is given.</summary>
    sealed class Registry(IReadOnlyDictionary<string, string> digests) : IImagePull
    {
        public List<(string Service, ImageReference Image)> Asked { get; } = [];

        public Task<IReadOnlyList<PulledImage>> PullAsync(IReadOnlyList<(string Service, ImageReference Image)> images, CancellationToken cancellationToken)
        {
            Asked.AddRange(images);
            return Task.FromResult<IReadOnlyList<PulledImage>>(images.Select(image => new PulledImage(image.Service, image.Image, digests[image.Service], 0.1)).ToArray());
        }
    }

    static ServiceUpgrade Upgrade(string service, string? toDigest = Preflighted) =>
        new(service, ImageReference.Parse($"nexplane-{service}:0.2.0"), ImageReference.Parse($"nexplane-{service}:0.3.0"), toDigest);

    [Fact]
    public async Task Every_new_image_is_pulled_and_returned_with_the_digest_it_resolved_to()
    {
        var registry = new Registry(new Dictionary<string, string> { ["backend"] = Preflighted, ["frontend"] = Preflighted });

        var pulled = await new PullStep(_output).RunAsync([Upgrade("backend"), Upgrade("frontend")], registry, CancellationToken.None);

        Assert.Equal(["nexplane-backend:0.3.0", "nexplane-frontend:0.3.0"], registry.Asked.Select(image => image.Image.ToString()));
        Assert.Equal($"nexplane-backend:0.3.0@{Preflighted}", pulled[0].Pinned);
        Assert.DoesNotContain(_output.Lines, line => line.StartsWith("WRN"));
        Assert.Equal("nexplane-backend:0.3.0, nexplane-frontend:0.3.0", _output.Summary["Images"]);
    }

    [Fact]
    public async Task A_tag_that_moved_since_preflight_is_said_with_both_digests()
    {
        var registry = new Registry(new Dictionary<string, string> { ["backend"] = Moved });

        await new PullStep(_output).RunAsync([Upgrade("backend")], registry, CancellationToken.None);

        Assert.Contains($"WRN backend: the registry served {Moved}, but Preflight saw {Preflighted}: the tag moved in between", _output.Lines);
    }

    [Fact]
    public async Task Without_a_digest_from_preflight_there_is_nothing_to_compare()
    {
        var registry = new Registry(new Dictionary<string, string> { ["backend"] = Moved });

        await new PullStep(_output).RunAsync([Upgrade("backend", toDigest: null)], registry, CancellationToken.None);

        Assert.DoesNotContain(_output.Lines, line => line.StartsWith("WRN"));
    }
}
