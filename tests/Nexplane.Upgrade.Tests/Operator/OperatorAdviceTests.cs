using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Tests.Operator;

public sealed class OperatorAdviceTests
{
    [Fact]
    public void A_flag_is_spelled_by_the_function_the_build_gives()
    {
        var advice = new OperatorAdvice(name => $"-{name}", "./go");

        Assert.Equal("-DatabaseUser", advice.Flag(Setting.DatabaseUser));
        Assert.Equal("./go Rehearse", advice.Command("Rehearse"));
    }

    [Fact]
    public void The_commands_an_operator_runs_next_are_spelled_from_the_flags_and_the_build_command()
    {
        var advice = TestAdvice.Nuke;

        Assert.Equal("./build.sh Rollback", advice.Rollback);
        Assert.Equal("./build.sh Restore --backup-file", advice.RestoreBackup);
        Assert.Equal("./build.sh Status", advice.Status);
        Assert.Equal("./build.sh Upgrade --version", advice.Upgrade);
        Assert.Equal("--resume", advice.ResumeOption);
    }

    [Fact]
    public void The_test_spelling_is_nukes_with_GitHub_as_one_word()
    {
        Assert.Equal("--github-api-url", TestAdvice.Nuke.Flag(Setting.GitHubApiUrl));
        Assert.Equal("--rehearsal-backup-max-age", TestAdvice.Nuke.Flag(Setting.RehearsalBackupMaxAge));
    }
}
