using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Database;
using Nexplane.Upgrade.Journal;
using Nuke.Common;
using Serilog;

partial class Build
{
    /// <summary>Read-only: what an operator asks first at 3 a.m. Never fails because the deployment is down.</summary>
    Target Status => _ => _
        .Description("Shows the running version, an unfinished upgrade if any, and the latest backups")
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(async cancellationToken =>
        {
            try
            {
                var reported = await new VersionProbe(Http).GetVersionAsync(ApiUri, Deployment.VersionEndpoints, cancellationToken);
                Log.Information("Running version: {Version} (from {Endpoint} at {Api})", reported.Version.ToString(), reported.Endpoint.ToString(), ApiUrl);
                ReportSummary(summary => summary["Version"] = reported.Version.ToString());
            }
            catch (VersionProbeException exception)
            {
                Log.Warning("{Problem}", exception.Message);
            }

            if (Journals.Unfinished(ComposeFilePath) is { } unfinished)
                Log.Warning("Unfinished upgrade {From} -> {To} started {Started:u}, stopped after {Step} (journal {File}). " +
                            "Roll it back with ./build.sh Rollback, or continue with ./build.sh Upgrade --version {To} --resume.",
                    unfinished.FromVersion ?? "?", unfinished.ToVersion ?? "?", unfinished.StartedAt, unfinished.LastCompletedStep ?? "no step",
                    unfinished.FilePath, unfinished.ToVersion ?? "?");
            else if (Journals.LatestThatChangedSomething(ComposeFilePath) is { } latest)
                Log.Information("Last upgrade: {From} -> {To} started {Started:u}: {Outcome}",
                    latest.FromVersion ?? "?", latest.ToVersion ?? "?", latest.StartedAt, latest.Outcome?.ToText() ?? "unfinished");
            else
                Log.Information("No upgrade of {ComposeFile} recorded in {Directory}", ComposeFilePath, UpgradeStateDirectory.ToString());

            var backups = new BackupFiles(BackupDirectoryPath).List();
            if (backups.Count == 0)
                Log.Information("No backups in {Directory}", BackupDirectoryPath);
            foreach (var (archive, manifest, takenAt) in backups.Take(5))
                Log.Information("Backup {TakenAt:u}  {Version,-8} {State,-10} {Archive}", takenAt, manifest?.NexplaneVersion ?? "?",
                    manifest is { Verified: true } ? "verified" : "UNVERIFIED", archive);
        });
}
