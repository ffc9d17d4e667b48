using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class RequiredVariableStatementTests
{
    [Theory]
    [InlineData("This needs a new required environment variable WEBHOOK_SECRET, otherwise the backend will not start.")]
    [InlineData("WEBHOOK_SECRET must be set.")]
    [InlineData("WEBHOOK_SECRET must be set, or the backend will no longer start.")]
    [InlineData("Set WEBHOOK_SECRET before upgrading.")]
    [InlineData("The backend refuses to start unless `WEBHOOK_SECRET` is set (at least 16 characters).")]
    [InlineData("Outgoing webhooks are signed now, which requires `WEBHOOK_SECRET`.")]
    public void A_sentence_that_requires_a_variable_names_it(string sentence)
    {
        Assert.Equal(["WEBHOOK_SECRET"], RequiredVariableStatement.Names(sentence));
    }

    [Theory]
    [InlineData("`LEGACY_TOKEN_TTL` is no longer used; you may remove it from `.env`.")]
    [InlineData("WORKER_CONCURRENCY is now optional.")]
    [InlineData("The default of SESSION_TIMEOUT_MINUTES changed from 30 to 60.")]
    [InlineData("You may remove OLD_SMTP_HOST from your .env.")]
    [InlineData("SMTP_RELAY_HOST is no longer required.")]
    [InlineData("SMTP_RELAY_HOST no longer needs to be set; it is required only when e-mail is on.")]
    [InlineData("Set CHANGE_WINDOW_TZ before upgrading only if you use change windows.")]
    public void A_variable_mentioned_but_not_required_is_not_named(string sentence)
    {
        Assert.Empty(RequiredVariableStatement.Names(sentence));
    }

    [Fact]
    public void Each_sentence_is_judged_on_its_own()
    {
        Assert.Equal(["NEW_API_KEY"], RequiredVariableStatement.Names("Set NEW_API_KEY before upgrading; OLD_API_KEY is no longer used."));
    }

    [Fact]
    public void A_short_upper_case_name_counts_only_in_backticks_or_after_variable()
    {
        Assert.Equal(["TZ"], RequiredVariableStatement.Names("`TZ` must be set for change windows."));
        Assert.Equal(["TOKEN"], RequiredVariableStatement.Names("This needs a new required environment variable TOKEN."));
        Assert.Empty(RequiredVariableStatement.Names("The API must be set up again."));
    }
}
