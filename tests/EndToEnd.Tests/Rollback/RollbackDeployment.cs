using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EndToEnd.Tests.Rehearsal;
using EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Rollback;

/// <summary>What an operator would compare before and after a failed upgrade.</summary>
public sealed record BeforeUpgrade(string Version, DeploymentSnapshot Snapshot);

/// <summary>
/// A sandbox instance that the fault-matrix tests upgrade, break and roll back. A rolled-back deployment is, by the
/// very assertions of these tests, as good as a fresh one, so tests reuse the instance from case to case (and the
/// classes of a shared collection from class to class) and only recreate it when the previous case left it
/// elsewhere: another version, an unfinished upgrade, a lock, or a compose file or .env not byte for byte as the
/// fresh instance had them (a rollback restores both exactly; a test that edits them leaves them changed).
/// </summary>
public sealed partial class RollbackDeployment(int number, SandboxShape shape = SandboxShape.Runbook, ComposeLane compose = ComposeLane.Default)
    : IAsyncLifetime
{
    public SandboxShape Shape { get; } = shape;

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public SandboxInstance Sandbox { get; } = new(number, compose);

    public static string JournalDirectory => Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "upgrade");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Sandbox.RemoveAsync();
        ForgetJournals();
    }

    /// <summary>
    /// Healthy on <paramref name="version"/> with no upgrade in flight: reused as it is, else put back to its fresh start
    /// (<see cref="ResetAsync"/>), else brought up fresh.
    /// </summary>
    public async Task ReadyOnAsync(string version)
    {
        // Preflight prints the last rehearsal of the path, and --require-rehearsal reads it: never an earlier test's.
        this.ForgetRehearsals();
        if (_fresh is { } fresh && fresh.Version == version && await ServedVersionAsync() == version
            && UnfinishedJournals().Count == 0 && !File.Exists(LockFile)
            && File.ReadAllBytes(Sandbox.ComposeFile).AsSpan().SequenceEqual(fresh.ComposeFile)
            && File.ReadAllBytes(Sandbox.EnvFile).AsSpan().SequenceEqual(fresh.EnvFile))
            return;
        ForgetJournals();
        if (_fresh is { } earlier && earlier.Version == version && await ResetAsync(earlier))
            return;
        await Sandbox.StartFreshAsync(version, Shape);
        _fresh = await CaptureFreshAsync(version);
    }

    public async Task<BeforeUpgrade> CaptureAsync() =>
        new((await ServedVersionAsync()) ?? throw new InvalidOperationException("the instance serves no version before the upgrade"),
            await DeploymentSnapshot.TakeAsync(Sandbox));

    public async Task<string?> ServedVersionAsync()
    {
        try
        {
            return (await Http.GetStringAsync($"{Sandbox.BackendUrl}/downloads/version")).Trim();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// The release the frontend serves: its /version on the runbook shape; the real shape's SPA has no such endpoint,
    /// so there the tag of the image its running container runs (v0.2.0 -> 0.2.0).
    /// </summary>
    public async Task<string?> FrontendVersionAsync()
    {
        if (Shape == SandboxShape.Real)
        {
            var snapshot = await DeploymentSnapshot.TakeAsync(Sandbox);
            var frontend = snapshot.Containers.Split('\n').FirstOrDefault(line => line.StartsWith("frontend ", StringComparison.Ordinal) && line.EndsWith(" running"));
            return frontend?.Split(' ')[2].Split(':').Last().TrimStart('v');
        }
        try
        {
            return (await Http.GetFromJsonAsync<Dictionary<string, string>>($"{Sandbox.FrontendUrl}/version"))?["version"];
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the tool is told about the instance. The real shape is described as an operator would: no compose project
    /// (its .env names it), no database port (it publishes none), only the services it has.
    /// </summary>
    public string[] ToolArguments => Shape == SandboxShape.Real
        ?
        [
            "--compose-file", Sandbox.ComposeFile,
            "--api-url", Sandbox.BackendUrl,
            "--frontend-url", Sandbox.FrontendUrl,
            "--app-services", "backend", "frontend",
            "--protected-services", "db",
            "--stop-services", "backend",
            "--github-api-url", Sandbox.GitHubApiUrl,
            "--backup-directory", Sandbox.BackupDirectory,
            "--agent-hosts-file", Sandbox.AgentHostsFile,
        ]
        : Sandbox.ToolArguments;

    public string[] UpgradeArguments(string version, params string[] extra) =>
        ["Upgrade", "--no-logo", "--version", version, "--accept-breaking-changes", .. ToolArguments, .. extra];

    public string[] RollbackArguments(params string[] extra) => ["Rollback", "--no-logo", .. ToolArguments, .. extra];

    public Task<BuildScriptResult> UpgradeAsync(string version, params string[] extra) =>
        BuildScript.RunAsync(UpgradeArguments(version, extra), timeout: TimeSpan.FromMinutes(4));

    public Task<BuildScriptResult> RollbackAsync(params string[] extra) =>
        BuildScript.RunAsync(RollbackArguments(extra), timeout: TimeSpan.FromMinutes(4));

    /// <summary>
    /// Upgrades 0.2.0 -> 0.3.0 and sends Ctrl+C (SIGINT to the tool's process group, as a terminal does) once the new
    /// backend reports its first migration; returns the run as it ended.
    /// </summary>
    public async Task<BuildScriptResult> CtrlCInsideTheMigrationsAsync()
    {
        using var upgrade = InterruptibleRun.Start(UpgradeArguments("0.3.0"));
        await upgrade.WaitForLineAsync("Running upgrade 002_asset_tags -> 003_agent_tunnels", TimeSpan.FromMinutes(3));
        upgrade.Signal(InterruptibleRun.SigInt);
        return await upgrade.WaitForExitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>The lock file the tool names after the compose file (UpgradeLock.PathFor).</summary>
    public string LockFile => Nexplane.Upgrade.Runbook.UpgradeLock.PathFor(JournalDirectory, Sandbox.ComposeFile);

    public IReadOnlyList<Nexplane.Upgrade.Runbook.UpgradeJournal> Journals() =>
        new Nexplane.Upgrade.Runbook.JournalStore(JournalDirectory).All().Where(j => j.ComposeFile == Sandbox.ComposeFile).ToArray();

    public IReadOnlyList<Nexplane.Upgrade.Runbook.UpgradeJournal> UnfinishedJournals() => Journals().Where(j => !j.IsFinished).ToArray();

    /// <summary>A fresh instance must not inherit the journals (or lock) of an earlier run on the same directory.</summary>
    public void ForgetJournals()
    {
        foreach (var journal in Journals())
            File.Delete(journal.FilePath);
        // On a fresh clone the state directory does not exist yet, and File.Delete throws for a missing directory.
        if (File.Exists(LockFile))
            File.Delete(LockFile);
    }

    public string ReadEnv(string name) =>
        File.ReadLines(Sandbox.EnvFile).First(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>
    /// The final state every rolled-back case must reach: the previous version served by backend and frontend,
    /// compose file and .env byte for byte, alembic revision and row counts as before (= the pre-upgrade backup's, and
    /// the state at Stop too when nothing was written between the backup and the stop),
    /// db and redis the very same containers, exit code 255, and the outcome said plainly.
    /// </summary>
    public async Task<RollbackTiming> AssertRolledBackAsync(BeforeUpgrade before, BuildScriptResult run)
    {
        Assert.True(run.ExitCode == 255, "expected exit code 255 after a rolled-back upgrade: " + run);
        Assert.Contains("Rolled back and healthy", run.Output);
        Assert.Contains($"rolled back, healthy on {before.Version}", run.Output);
        await AssertSameDeploymentAsync(before);
        return RollbackTiming.Of(run);
    }

    /// <summary>
    /// The first answer within 30 s: the rollback verified the version itself before it ended, and on a loaded machine
    /// one request of this test (5 s timeout) can go unanswered (one did, in a full run). A wrong version fails at once.
    /// </summary>
    static async Task<string?> AnsweredAsync(Func<Task<string?>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var answer = await read();
            if (answer is not null || DateTime.UtcNow > deadline)
                return answer;
            await Task.Delay(500);
        }
    }

    /// <summary>Everything but the app containers (recreated by the rollback) is as it was before the upgrade.</summary>
    public async Task AssertSameDeploymentAsync(BeforeUpgrade before)
    {
        Assert.Equal(before.Version, await AnsweredAsync(ServedVersionAsync));
        Assert.Equal(before.Version, await AnsweredAsync(FrontendVersionAsync));
        var after = await DeploymentSnapshot.TakeAsync(Sandbox);
        Assert.True(before.Snapshot.ComposeFile == after.ComposeFile, "the compose file differs from the one before the upgrade");
        Assert.True(before.Snapshot.EnvFile == after.EnvFile, "the .env file differs from the one before the upgrade");
        Assert.Equal(before.Snapshot.AlembicRevisions, after.AlembicRevisions);
        Assert.Equal(before.Snapshot.RowCounts, after.RowCounts);
        Assert.Equal(ProtectedContainers(before.Snapshot), ProtectedContainers(after));
        Assert.Equal(Shape == SandboxShape.Real ? 1 : 2, ProtectedContainers(after).Length);
    }

    static string[] ProtectedContainers(DeploymentSnapshot snapshot) =>
        snapshot.Containers.Split('\n').Where(line => line.StartsWith("db ", StringComparison.Ordinal) || line.StartsWith("redis ", StringComparison.Ordinal)).ToArray();
}

/// <summary>
/// How long the Rollback target took, against the budget: the backup's restore time plus 10 s. Recorded in the fault
/// matrix, never asserted here: a loaded machine is slow, not wrong. benchmarks/fault-matrix.sh judges the budgets.
/// </summary>
/// <param name="Database">What the rollback did with the database: restored, not restored (PostgreSQL proved nothing committed), or "-" (untouched).</param>
public sealed partial record RollbackTiming(double RollbackSeconds, double? RestoreSeconds, string Database = "-")
{
    public double BudgetSeconds => (RestoreSeconds ?? 0) + 10;

    public bool WithinBudget => RollbackSeconds <= BudgetSeconds;

    public static RollbackTiming Of(BuildScriptResult run)
    {
        var report = Report(run);
        var rollback = report.GetProperty("steps").EnumerateArray().First(step => step.GetProperty("name").GetString() == "Rollback");
        var restore = RestoreLine().Match(run.Output);
        return new RollbackTiming(rollback.GetProperty("seconds").GetDouble(),
            restore.Success ? double.Parse(restore.Groups["seconds"].Value, CultureInfo.InvariantCulture) : null,
            restore.Success ? "restored" : run.Output.Contains("Database not restored: ", StringComparison.Ordinal) ? "not restored (nothing committed since Stop)" : "-");
    }

    public static JsonElement Report(BuildScriptResult run)
    {
        var match = ReportLine().Match(run.Output);
        Assert.True(match.Success, "no report path in the output: " + run);
        using var document = JsonDocument.Parse(File.ReadAllText(match.Groups["file"].Value));
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"Report: (?<file>\S+\.json)")]
    private static partial Regex ReportLine();

    [GeneratedRegex(@"Database restored from \S+ in (?<seconds>[0-9.]+) s")]
    private static partial Regex RestoreLine();
}

/// <summary>What the rollback decided about the database, asserted with its reason in the failure message.</summary>
public static class RestoreDecisionAssert
{
    const string Skipped = "Database not restored: PostgreSQL shows no transaction committed since Stop";

    /// <summary>The rollback skipped the restore; if it restored, the message says what PostgreSQL answered.</summary>
    public static void RestoreSkipped(string output)
    {
        if (output.Contains(Skipped, StringComparison.Ordinal))
            return;
        var restoring = output.Split('\n').FirstOrDefault(line => line.Contains("Restoring the database:", StringComparison.Ordinal));
        Assert.Fail($"expected \"{Skipped}\"; the rollback said: {restoring?.Trim() ?? "nothing about the database"}");
    }
}

/// <summary>
/// The fault matrix as it ran: one row per case, printed to the test's output and collected in
/// .nuke/temp/rollback-matrix.md, which benchmarks/fault-matrix.sh prints and judges against the budgets.
/// </summary>
public static class RollbackMatrix
{
    static readonly Lock Gate = new();
    static bool _started;

    public static string File => Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "rollback-matrix.md");

    const string Header = "| case | outcome | database | rollback time | budget |";

    public static void Record(ITestOutputHelper output, string @case, string outcome, RollbackTiming? timing)
    {
        var time = timing is null
            ? "-"
            : $"{timing.RollbackSeconds:0.0} s (restore {(timing.RestoreSeconds is { } r ? $"{r:0.0} s" : "none")}, budget {timing.BudgetSeconds:0.0} s)";
        var budget = timing is null ? "-" : timing.WithinBudget ? "within" : "OVER";
        var row = $"| {@case} | {outcome} | {timing?.Database ?? "-"} | {time} | {budget} |";
        output.WriteLine(Header);
        output.WriteLine(row);
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File)!);
            if (!_started)
            {
                System.IO.File.WriteAllText(File, Header + "\n|---|---|---|---|---|\n");
                _started = true;
            }
            System.IO.File.AppendAllText(File, row + "\n");
        }
    }
}
