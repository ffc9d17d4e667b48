using Nexplane.Upgrade.Deployments;

namespace Nexplane.Upgrade.Tests.Deployments;

/// <summary>Bad values, negative numbers among them, are named all at once before anything changes.</summary>
public sealed class ParameterProblemsTests
{
    [Fact]
    public void A_negative_count_or_duration_is_a_parameter_problem()
    {
        var problems = new ParameterProblems();

        problems.Positive("--backup-retention", -1);
        problems.Positive("--agent-wave-size", 0);
        problems.Positive("--stop-timeout", TimeSpan.FromSeconds(-5));
        problems.Positive("--backup-retention", 1);
        problems.Positive("--stop-timeout", TimeSpan.FromSeconds(5));

        Assert.Equal([
            "--backup-retention is -1; it must be at least 1.",
            "--agent-wave-size is 0; it must be at least 1.",
            "--stop-timeout is -00:00:05; it must be longer than zero (e.g. 30s, 5m).",
        ], problems.All);
    }

    [Fact]
    public void A_port_outside_1_to_65535_is_a_parameter_problem()
    {
        var problems = new ParameterProblems();

        problems.Port("--database-port", -1);
        problems.Port("--database-port", 0);
        problems.Port("--database-container-port", 65536);
        problems.Port("--database-port", 1);
        problems.Port("--database-port", 65535);

        Assert.Equal([
            "--database-port is -1; a port is a number from 1 to 65535.",
            "--database-port is 0; a port is a number from 1 to 65535.",
            "--database-container-port is 65536; a port is a number from 1 to 65535.",
        ], problems.All);
    }

    [Fact]
    public void Every_problem_is_said_at_once_saying_nothing_was_changed()
    {
        var problems = new ParameterProblems();
        problems.Positive("--backup-retention", -1);
        problems.Port("--database-port", -5432);

        var exception = Assert.Throws<ParameterProblemsException>(problems.ThrowIfAny);

        Assert.Equal("2 parameter problem(s); nothing was changed:" + Environment.NewLine +
                     "  [parameters] --backup-retention is -1; it must be at least 1." + Environment.NewLine +
                     "  [parameters] --database-port is -5432; a port is a number from 1 to 65535.", exception.Message);
    }
}
