using Nexplane.Upgrade.Runbook;
using Nexplane.Upgrade.Agents;
using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Deployments;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.Preflight;
using Nexplane.Upgrade.Wiring;
using Nuke.Common;
using Nuke.Common.IO;
using Serilog;

/// <summary>Preflight (src/Nexplane.Upgrade/Steps/Preflight): the runbook's "before you start", read-only.</summary>
partial class Build
{
    [Parameter("GitHub repository that publishes Nexplane's releases (owner/name)")]
    readonly string GitHubRepository = "youbetyourballs/nexplane";

    [Parameter("GitHub API server root (github.com, a GitHub Enterprise server, or the sandbox's local API)")]
    readonly string? GitHubApiUrl;

    [Parameter("GitHub token for reading releases (optional for public repositories)")]
    [Secret]
    readonly string? GitHubToken;

    [Parameter("Markdown release notes to use instead of GitHub, for offline upgrades")]
    readonly AbsolutePath? ReleaseNotesFile;

    [Parameter("Accept the breaking changes the release notes announce (required in non-interactive runs)")]
    readonly bool AcceptBreakingChanges;

    [Parameter("Allow a downgrade to an older version (restoring a backup is the safer way back)")]
    readonly bool ForceDowngrade;

    [Parameter("Version endpoints tried in order: '<path>' for plain text or '<path>#<json field>'")]
    readonly string[] VersionEndpoints = ["/health#version", "/downloads/version", "/version#version"];

    [Parameter("Versions to stop at on the way to --version, comma-separated, e.g. 0.3.0 (default: the required stops the release notes name)", Separator = ",")]
    readonly string[] Via = [];

    [Parameter("Tag format of the images: Detect (from the running tags), Plain (0.3.0) or V (v0.3.0)")]
    readonly TagFormat TagFormat = TagFormat.Detect;

    ReleaseSettings Releases => new(GitHubRepository, GitHubApiUrl, GitHubToken, ReleaseNotesFile);

    /// <summary>
    /// The values the later steps will use, checked while nothing has changed: a bad one found at its step (an empty
    /// frontend URL once measured) would come after the migration and cost a rollback.
    /// </summary>
    ParameterProblems StepParameterProblems()
    {
        var problems = new ParameterProblems();
        problems.Positive("--stop-timeout", StopTimeout);
        problems.Positive("--migration-timeout", MigrationTimeout);
        problems.Positive("--health-timeout", HealthTimeout);
        if (StabilityWindow < TimeSpan.Zero)
            problems.Add($"--stability-window is {StabilityWindow}; it cannot be negative.");
        problems.Positive("--agent-registration-timeout", AgentRegistrationTimeout);
        problems.Positive("--agent-wave-size", AgentWaveSize);
        problems.Positive("--backup-retention", BackupRetention);
        if (RehearsalBackupMaxAge < TimeSpan.Zero)
            problems.Add($"--rehearsal-backup-max-age is {RehearsalBackupMaxAge}; it cannot be negative.");
        problems.ServiceNames("--stop-services", StopServices);
        problems.ServiceNames("--backend-service", [BackendService]);
        problems.ServiceNames("--frontend-service", [FrontendService]);
        problems.ServiceNames("--database-service", [DatabaseService]);
        if (!AppServices.Contains(BackendService))
            problems.Add($"--backend-service '{BackendService}' is not one of --app-services ({string.Join(", ", AppServices)}).");
        problems.NotEmpty("--login-email", LoginEmail);
        problems.NotEmpty("--github-repository", GitHubRepository);
        if (GitHubApiUrl is not null && ReleaseNotesFile is null)
            problems.HttpUrl("--github-api-url", GitHubApiUrl, "https://api.github.com or http://127.0.0.1:18089/");
        if (ReleaseNotesFile is not null)
            problems.ExistingFile("--release-notes-file", ReleaseNotesFile);
        NotificationParameterProblems(problems);
        problems.Positive("--progress-interval", ProgressInterval);
        foreach (var stop in Via.Where(stop => !NexplaneVersion.TryParse(stop, out _)))
            problems.Add($"--via names '{stop}', which is not a Nexplane version; expected MAJOR.MINOR.PATCH such as 0.3.0.");
        // Which parameters name the agent hosts; the hosts file itself is checked by Preflight's agent check, only when agents are to be upgraded (--skip-agents).
        foreach (var problem in AgentHostSource.Problems(AgentSettings, Advice))
            problems.Add(problem);
        return problems;
    }

    /// <summary>Read-only: the runbook's "before you start", checked for the operator. Changes nothing.</summary>
    Target Preflight => _ => _
        .Description(RunbookTable.Description(RunbookStep.Preflight))
        .Requires(() => Version)
        .Requires(() => ComposeFile)
        .Requires(() => ApiUrl)
        .Executes(ResolveDeployment)
        .Executes(async cancellationToken =>
        {
            // Parameters also match environment variables by name: a CI job's unrelated VERSION would choose the release.
            if (ParameterOrigin(nameof(Version)) is { } origin && origin.StartsWith("environment variable", StringComparison.Ordinal))
                Log.Warning("The target version {Version} comes from the {Origin}, not from --version on the command line; " +
                            "if that variable means something else here, unset it and pass --version", Version, origin);
            var settings = await PreflightSettingsAsync(cancellationToken);
            await BeginUpgradeJournalAsync(cancellationToken);
            if (ResumingAfterPreflight)
            {
                Run.ContinueFromJournal();
                return;
            }
            Run.RecordPreflight(Run.WithRehearsalGate(await Run.PreflightAsync(settings, new LivePreflightFacts(Http, Commands, Advice), cancellationToken), Rehearsals,
                // The new journal holds the database found just now: only a rehearsal of that database counts.
                Deployment.ComposeFile, RequireRehearsal, Journal?.DatabaseIdentity), BackupAfterStop);
        });

    /// <summary>What Preflight checks, from the parameters and the resolved deployment; Rehearse runs the same checks.</summary>
    async Task<PreflightSettings> PreflightSettingsAsync(CancellationToken cancellationToken) => new()
    {
        TargetVersion = Version!,
        Deployment = Deployment,
        Releases = Releases,
        Overrides = new UpgradePathOverrides(AcceptBreakingChanges, ForceDowngrade),
        Via = Via.Select(NexplaneVersion.Parse).ToArray(),
        Database = await Live.DatabaseAsync(cancellationToken),
        BackupDirectory = BackupDirectoryPath,
        TagFormat = TagFormat,
        Login = Live.Settings.Login,
        Agents = AgentSettings,
        Advice = Advice,
    };
}
