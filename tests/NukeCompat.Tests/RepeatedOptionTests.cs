using Nuke.Common;

namespace NukeCompat.Tests;

/// <summary>A list parameter named several times keeps every value: dropping one silently would lose, say, a webhook.</summary>
public class RepeatedOptionTests
{
    private sealed class NotifyBuild : NukeBuild
    {
        [Parameter] [Secret] public readonly string[] WebhookUrl = [];
        [Parameter] public readonly string? Channel;

        public Target Notify => _ => _.Executes(() => { });
    }

    [Fact]
    public void A_repeated_list_option_collects_every_occurrence_in_order()
    {
        var result = TestBuild.Run<NotifyBuild>("Notify --no-logo --webhook-url http://a/1 --webhook-url http://b/2 http://c/3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["http://a/1", "http://b/2", "http://c/3"], result.Build.WebhookUrl);
    }

    [Fact]
    public void A_repeated_scalar_option_keeps_its_last_value_as_in_nuke()
    {
        var result = TestBuild.Run<NotifyBuild>("Notify --no-logo --channel ops --channel releases");

        Assert.Equal("releases", result.Build.Channel);
    }

    [Fact]
    public void Every_occurrence_of_a_secret_option_is_redacted()
    {
        TestBuild.Run<NotifyBuild>("Notify --no-logo --webhook-url http://a/secret-one --webhook-url http://b/secret-two");

        Assert.Equal($"{SecretRedactor.Mask} {SecretRedactor.Mask}", SecretRedactor.Redact("http://a/secret-one http://b/secret-two"));
    }
}
