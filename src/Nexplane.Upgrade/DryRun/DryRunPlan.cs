using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Runbook;

namespace Nexplane.Upgrade.DryRun;

/// <summary>
/// The dry run's answer: every action the upgrade would take, in the order it would take them, with what it would
/// act on (images and digests, services, files and lines, the backup, the migrations, agent hosts and waves), and the
/// downtime to expect. Pure text from an <see cref="UpgradeForecast"/>, so it is tested without a deployment.
/// </summary>
public static class DryRunPlan
{
    public const string Unmeasured = "unknown, run Rehearse (or an upgrade of the same path) to measure it";

    public static IReadOnlyList<string> Lines(UpgradeForecast forecast)
    {
        var preflight = forecast.Preflight;
        var lines = new List<string>
        {
            $"Dry run: the upgrade {preflight.Current?.ToString() ?? "?"} -> {preflight.Target} of {forecast.ComposeFile} would take these actions, in order. Nothing was changed.",
        };
        var steps = RunbookTable.InOrder(forecast.BackupAfterStop).Where(step => step != RunbookStep.Preflight).ToArray();
        var done = steps.Where(step => forecast.DoneBeforeResuming.Contains(step.ToString())).ToArray();
        if (done.Length > 0)
            lines.Add($"  Done by the interrupted run (its journal records them), not repeated: {string.Join(", ", done)}");
        var number = 0;
        foreach (var step in steps.Except(done))
        {
            var (action, details) = Describe(step, forecast);
            lines.Add($"  {++number}. {step}: {action}");
            lines.AddRange(details.Select(detail => "       " + detail));
        }
        lines.Add($"  On a failure from Stop to Verify, Rollback restores the backup if the database may have migrated, puts the files back byte for byte and starts {preflight.Current?.ToString() ?? "the previous version"} again.");
        lines.Add($"Predicted downtime: {forecast.Downtime?.ToString() ?? Unmeasured}");
        return lines;
    }

    static (string Action, IReadOnlyList<string> Details) Describe(RunbookStep step, UpgradeForecast forecast)
    {
        var preflight = forecast.Preflight;
        return step switch
        {
            RunbookStep.Backup or RunbookStep.BackupAfterStopping =>
                ($"back up {forecast.BackupSource} into {forecast.BackupArchive}, verified by a full decode, with its manifest beside it", []),
            RunbookStep.Pull => ("pull every new image before anything stops", preflight.Services
                .Select(service => $"{service.Service}: {service.To}" +
                    (service.ToDigest is { } digest && digest.StartsWith("sha256:", StringComparison.Ordinal) ? "@" + digest : " (the registry named no digest)")).ToArray()),
            RunbookStep.Stop => (forecast.StopServices.Count == 0
                    ? "nothing to stop"
                    : $"stop {string.Join(", ", forecast.StopServices)} (TERM inside the container, the engine's stop after {forecast.StopTimeout.TotalSeconds:0.#} s); the downtime begins",
                [$"never stopped: {string.Join(", ", forecast.ProtectedServices)}"]),
            RunbookStep.StartBackend => ($"pin the new tag, start {string.Join(", ", forecast.StopServices)} (compose up -d --no-deps) and follow the migrations to startup",
                PinLines(forecast.BackendFileChanges, "no file changes: the tags are pinned already").Concat(MigrationLines(forecast)).ToArray()),
            RunbookStep.VerifyMigrations => ("check that alembic_version holds the single head the backend reports" +
                (preflight.Path?.AnnouncesMigrations == true ? ", moved from " + RevisionBefore(forecast) : ""), []),
            RunbookStep.Frontend => forecast.FrontendService is { } frontend
                ? ($"pin and recreate {frontend} alone on {preflight.Services.FirstOrDefault(s => s.Service == frontend)?.To.ToString() ?? "its new image"}; {forecast.FrontendUrl} must answer 2xx and stay up",
                    PinLines(forecast.FrontendFileChanges, "no file changes of its own (its tag moves with StartBackend's)").ToArray())
                : ("no frontend to recreate in this deployment", []),
            RunbookStep.Verify => ($"check version {preflight.Target} at {forecast.ApiUrl}, log in as {forecast.LoginEmail}, GET /assets", []),
            RunbookStep.Agents => forecast.AgentsSkipped is { } reason
                ? ($"skipped: {reason}", [])
                : ("upgrade the agent hosts, each rolled back on its own if it does not register", AgentLines(forecast)),
            _ => ("", []),
        };
    }

    static IEnumerable<string> PinLines(IReadOnlyList<PlannedFileChange> changes, string whenNone)
    {
        if (changes.Count == 0)
            yield return whenNone;
        foreach (var file in changes)
            foreach (var line in file.Lines)
                yield return $"{file.Path} line {line.Number}: {Quote(line.Before)} -> {Quote(line.After)}";
    }

    static IEnumerable<string> MigrationLines(UpgradeForecast forecast)
    {
        var releases = forecast.Preflight.Path?.Releases ?? [];
        var announced = releases.SelectMany(release => release.MigrationSteps.Select(step => $"migration announced by {release.Version}: {step}")).ToArray();
        return announced.Length > 0 ? announced : ["no migrations announced by the release notes (the backend's log is followed all the same)"];
    }

    static string RevisionBefore(UpgradeForecast forecast) =>
        forecast.Preflight.AlembicRevisions.Count > 0 ? string.Join(", ", forecast.Preflight.AlembicRevisions) : "the current revision";

    static IReadOnlyList<string> AgentLines(UpgradeForecast forecast) =>
        forecast.AgentWaves.Select((wave, index) => index == 0
            ? $"canary: {wave[0]}"
            : $"wave {index} of {forecast.AgentWaves.Count - 1}: {string.Join(", ", wave.Select(host => host.ToString()))}").ToArray();

    static string Quote(string? line) => line is null ? "(no line)" : $"`{line.Trim()}`";
}
