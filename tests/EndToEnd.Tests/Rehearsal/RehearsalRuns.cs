using Docker.DotNet;
using Docker.DotNet.Models;
using EndToEnd.Tests.Rollback;
using EndToEnd.Tests.Support;
using Nexplane.Upgrade.Rehearsals;
using Nexplane.Upgrade.Steps.Rehearse;

namespace EndToEnd.Tests.Rehearsal;

public sealed class RehearsalDeployment() : RollbackDeploymentFixture(70);

/// <summary>Running ./build.sh Rehearse against a sandbox instance, and what an operator checks afterwards.</summary>
public static class RehearsalRuns
{
    public static string ReportDirectory => Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "rehearsals");

    /// <summary>Where a rehearsal's copy keeps its compose project's file while it runs.</summary>
    public static string CopyProjectDirectory(string rehearsalId) => Path.Combine(ReportDirectory, $"copy-{rehearsalId}");

    /// <summary>The rehearsal's id, from the name of the copy's network it prints.</summary>
    public static string IdIn(string output) =>
        System.Text.RegularExpressions.Regex.Match(output, @"Throwaway copy: network nexplane-rehearsal-(\S+)") is { Success: true } match
            ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException("The rehearsal printed no copy network: " + output);

    public static Task<BuildScriptResult> RehearseAsync(this RollbackDeployment deployment, string version, params string[] extra) =>
        BuildScript.RunAsync(["Rehearse", "--no-logo", "--version", version, .. deployment.ToolArguments, .. extra], timeout: TimeSpan.FromMinutes(5));

    public static string[] RehearseArguments(this RollbackDeployment deployment, string version) =>
        ["Rehearse", "--no-logo", "--version", version, .. deployment.ToolArguments];

    /// <summary>The report the last rehearsal of this instance wrote.</summary>
    public static RehearsalReport LastReport(this RollbackDeployment deployment, string from, string to) =>
        new RehearsalReports(ReportDirectory).LastOf(deployment.Sandbox.ComposeFile, from, to)
        ?? throw new Xunit.Sdk.XunitException($"no rehearsal report of {from} -> {to} for {deployment.Sandbox.ComposeFile} in {ReportDirectory}");

    /// <summary>A class starts without the rehearsals an earlier run of it left, so --require-rehearsal sees only its own.</summary>
    public static void ForgetRehearsals(this RollbackDeployment deployment)
    {
        if (!Directory.Exists(ReportDirectory))
            return;
        foreach (var path in Directory.EnumerateFiles(ReportDirectory, "rehearsal-*.json"))
            if (RehearsalReport.FromJson(File.ReadAllText(path), path).ComposeFile == deployment.Sandbox.ComposeFile)
                File.Delete(path);
    }

    /// <summary>Containers and networks a rehearsal of this instance created and did not remove.</summary>
    public static async Task<IReadOnlyList<string>> LeftoversAsync(this RollbackDeployment deployment)
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{CopyPlan.ComposeFileLabel}={deployment.Sandbox.ComposeFile}"] = true },
        };
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        return [.. containers.Select(c => "container " + c.Names.FirstOrDefault()), .. networks.Select(n => "network " + n.Name)];
    }

    /// <summary>
    /// Nothing of the deployment moved: every container the same (id, start time, restart count), the database's
    /// alembic_version and row counts, the compose file and .env byte for byte; and nothing of the copy is left.
    /// </summary>
    public static async Task AssertUntouchedAsync(this RollbackDeployment deployment, DeploymentSnapshot before)
    {
        var after = await DeploymentSnapshot.TakeAsync(deployment.Sandbox);
        Assert.Equal(before.Containers, after.Containers);
        Assert.Equal(before.AlembicRevisions, after.AlembicRevisions);
        Assert.Equal(before.RowCounts, after.RowCounts);
        Assert.True(before.ComposeFile == after.ComposeFile, "the compose file changed");
        Assert.True(before.EnvFile == after.EnvFile, "the .env file changed");
        Assert.Empty(await deployment.LeftoversAsync());
    }
}
