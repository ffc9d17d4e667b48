using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Steps.Preflight;
using static Nexplane.Upgrade.Tests.Steps.Preflight.PreflightSample;

namespace Nexplane.Upgrade.Tests.Steps.Preflight;

/// <summary>All of Preflight's gates over one set of facts: the report an upgrade starts from, or every problem at once.</summary>
public sealed class PreflightGatesJudgeTests
{
    [Fact]
    public void A_ready_deployment_may_be_upgraded_and_the_report_holds_what_the_later_steps_need()
    {
        var report = PreflightGates.Judge(Facts(), SampleSettings);

        Assert.True(report.CanUpgrade);
        Assert.Empty(report.Notices);
        Assert.Equal((V("0.2.0"), V("0.3.0")), (report.Current, report.Target));
        Assert.True(report.Path!.AnnouncesMigrations);
        Assert.Equal(["backend", "worker", "frontend"], report.Services.Select(s => s.Service));
        Assert.Equal(100L * 1024 * 1024, report.DatabaseSizeBytes);
        Assert.Equal(["002_asset_tags"], report.AlembicRevisions);
    }

    [Fact]
    public void Every_problem_is_named_at_once_in_the_order_the_operator_reads_them()
    {
        var facts = Facts() with
        {
            Files = Files(ComposeText.Replace("postgres:16-alpine", "postgres:17-alpine"), envText: ""),
            Login = new VerificationGate("login", false, "answered 401"),
            Images = [Facts().Images[0] with { Answer = new RegistryAnswer(null) }],
            FreeBackupBytes = 1,
        };
        var settings = SampleSettings with { Agents = new AgentSettings { UpgradeRequested = true } };

        var report = PreflightGates.Judge(facts, settings);

        Assert.False(report.CanUpgrade);
        Assert.Equal(["compose-variables", "protected-image", "login", "agents", "image", "disk"], report.Failures.Select(f => f.Gate));
    }

    [Fact]
    public void Without_a_running_version_nothing_that_measures_from_it_is_judged()
    {
        var facts = Facts() with
        {
            Running = new RunningVersion(null, "No version endpoint answered"),
            Login = null,
            Releases = null,
            Database = new DatabaseFacts(1024, ["004_asset_owner"], []),
        };

        var report = PreflightGates.Judge(facts, SampleSettings with { Agents = new AgentSettings { UpgradeRequested = true } });

        Assert.Equal(["current-version"], report.Failures.Select(f => f.Gate));
        Assert.Null(report.Current);
        Assert.Null(report.Path);
    }

    [Fact]
    public void An_unreachable_database_is_one_problem_its_disk_and_revisions_unjudged()
    {
        var report = PreflightGates.Judge(Facts() with { Database = DatabaseFacts.Unreachable("connection refused"), FreeBackupBytes = null }, SampleSettings);

        Assert.Equal(["database"], report.Failures.Select(f => f.Gate));
        Assert.Null(report.DatabaseSizeBytes);
    }

    [Fact]
    public void Notices_come_in_the_order_they_were_found_and_refuse_nothing()
    {
        var facts = Facts() with
        {
            Files = Files(ComposeText.Replace("nexplane-frontend:0.2.0", "nexplane-frontend:0.1.0")),
            Releases = Facts().Releases! with { OnPath = [Release("0.3.0", agentUpgrade: true)] },
            Database = new DatabaseFacts(1024, [], [], "permission denied"),
        };

        var report = PreflightGates.Judge(facts, SampleSettings with { Agents = new AgentSettings { Skip = true } });

        Assert.True(report.CanUpgrade);
        Assert.Equal(3, report.Notices.Count);
        Assert.StartsWith("The compose file pins frontend to 0.1.0", report.Notices[0]);
        Assert.StartsWith("Agents: the release notes of 0.3.0 require an agent upgrade, and --skip-agents", report.Notices[1]);
        Assert.StartsWith("Could not list the databases", report.Notices[2]);
    }

    [Fact]
    public void A_rehearsal_says_it_leaves_the_agents_alone_rather_than_naming_a_flag_nobody_passed()
    {
        var facts = Facts() with { Releases = Facts().Releases! with { OnPath = [Release("0.3.0", agentUpgrade: true)] } };

        // Rehearse's own settings: the agents skipped by the rehearsal, not by the operator.
        var report = PreflightGates.Judge(facts, SampleSettings with { Agents = new AgentSettings { Skip = true }, ForRehearsal = true });

        Assert.True(report.CanUpgrade);
        Assert.Equal(["Agents: the release notes of 0.3.0 require an agent upgrade; a rehearsal leaves the agents alone: the upgrade replaces " +
                      "them on the hosts of --agent-hosts-file, or leaves them to you with --skip-agents."], report.Notices);
    }

    [Fact]
    public void The_checked_agent_hosts_and_binaries_go_to_the_agent_step()
    {
        var host = new AgentHost { Name = "edge-1", Address = "10.0.0.5", Platform = AgentPlatform.LinuxAmd64 };
        var facts = Facts() with
        {
            Releases = Facts().Releases! with { OnPath = [Release("0.3.0", agentUpgrade: true)] },
            Agents = new AgentPreflightResult([host], [], [], []),
        };

        var report = PreflightGates.Judge(facts, SampleSettings with { Agents = new AgentSettings { HostsFile = "hosts.yml" } });

        Assert.True(report.CanUpgrade);
        Assert.Equal([host], report.AgentHosts);
    }

    [Fact]
    public void A_foreign_container_keeps_the_protected_images_unjudged()
    {
        var facts = Facts() with
        {
            Files = Files(ComposeText.Replace("postgres:16-alpine", "postgres:17-alpine")),
            Containers = new ContainerFacts([.. OwnContainers.Services.Skip(1), new ServiceContainers("db", [Running("db", "postgres:16-alpine")], "foreign")]),
        };

        Assert.Equal(["deployment"], PreflightGates.Judge(facts, SampleSettings).Failures.Select(f => f.Gate));
        Assert.Equal(ImageReference.Parse("registry.local/nexplane-backend:0.3.0"), PreflightGates.Judge(facts, SampleSettings).Services[0].To);
    }
}
