using Nexplane.Upgrade.Releases;

namespace Nexplane.Upgrade.Tests.Releases;

public sealed class BreakingStatementTests
{
    [Theory]
    [InlineData("BREAKING CHANGE: tokens issued before 0.3.0 are rejected.")]
    [InlineData("This is a breaking change for API clients.")]
    [InlineData("Agents older than 0.3.0 can no longer register.")]
    [InlineData("Python 3.8 is no longer supported.")]
    [InlineData("The /api/v1/legacy endpoints are removed.")]
    [InlineData("Dropped support for PostgreSQL 13.")]
    [InlineData("Removed the deprecated `--legacy-auth` flag.")]
    public void A_clearly_breaking_statement_is_a_breaking_change(string sentence)
    {
        Assert.True(BreakingStatement.IsBreaking(sentence));
    }

    [Theory]
    [InlineData("Asset search no longer ignores tags with a colon.")]
    [InlineData("Removed a duplicate column header in the asset table.")]
    [InlineData("No breaking changes in this release.")]
    [InlineData("This is not a breaking change.")]
    [InlineData("`LEGACY_TOKEN_TTL` is no longer used; you may remove it from `.env`.")]
    [InlineData("Login no longer crashes on an empty password.")]
    public void A_fix_or_a_denial_is_not_a_breaking_change(string sentence)
    {
        Assert.False(BreakingStatement.IsBreaking(sentence));
    }
}
