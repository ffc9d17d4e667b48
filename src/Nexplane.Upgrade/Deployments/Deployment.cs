using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Deployments;

/// <summary>
/// The one deployment a run acts on, resolved once from the parameters and the compose file: its files, its compose
/// project (as compose itself resolves it), its services and their roles, and its addresses. Every step reads it from
/// here instead of re-deriving it.
/// </summary>
public sealed record Deployment
{
    public required string ComposeFile { get; init; }

    public required string EnvFile { get; init; }

    public required ComposeProjectName Project { get; init; }

    /// <summary>The app services the operator named; those absent from the compose file are skipped.</summary>
    public required IReadOnlyList<string> AppServices { get; init; }

    public required IReadOnlyList<string> ProtectedServices { get; init; }

    /// <summary>The services the compose file actually has.</summary>
    public required IReadOnlyList<string> ComposeServices { get; init; }

    /// <summary>The app services that use the database: stopped before the migration, started with the new backend.</summary>
    public required IReadOnlyList<string> StopServices { get; init; }

    /// <summary>The service whose log reports the migrations and whose stop starts the downtime.</summary>
    public required string BackendService { get; init; }

    public required string FrontendService { get; init; }

    /// <summary>The PostgreSQL service: never stopped, backed up and restored in place.</summary>
    public required string DatabaseService { get; init; }

    /// <summary>
    /// The database as configured (host, port, name, user, password from the parameters or the .env); where this
    /// machine really reaches it is decided by the db container (<see cref="DatabaseAddressResolver"/>).
    /// </summary>
    public required DatabaseTarget Database { get; init; }

    /// <summary>The operator named the database's host: it is tried before the db container's own addresses.</summary>
    public bool DatabaseHostNamed { get; init; }

    /// <summary>The port PostgreSQL listens on inside the db container.</summary>
    public int DatabaseContainerPort { get; init; } = 5432;

    public required Uri ApiUrl { get; init; }

    /// <summary>Null when the deployment upgrades no frontend.</summary>
    public Uri? FrontendUrl { get; init; }

    public required IReadOnlyList<VersionEndpoint> VersionEndpoints { get; init; }

    /// <summary>Where the frontend may state its version (asked leniently); null for none.</summary>
    public VersionEndpoint? FrontendVersionEndpoint { get; init; }

    public IReadOnlyList<string> PresentAppServices => AppServices.Where(ComposeServices.Contains).ToArray();

    /// <summary>The backend's health endpoint, which ends the downtime when it answers.</summary>
    public Uri HealthUrl => new(ApiUrl.ToString().TrimEnd('/') + "/health");

    /// <summary>
    /// What the run acts on and where each value came from, printed at its start: a profile that named the wrong
    /// deployment is seen before anything happens.
    /// </summary>
    /// <param name="sourceOf">The source of a named value ("the command line", "parameter file F", ...).</param>
    public IReadOnlyList<string> Describe(Func<string, string> sourceOf)
    {
        var absentApp = AppServices.Except(ComposeServices).ToArray();
        var presentProtected = ProtectedServices.Where(ComposeServices.Contains).ToArray();
        return
        [
            $"Deployment: {ComposeFile} ({sourceOf("ComposeFile")})",
            $"  compose project  {Project.Name} ({Project.Source})",
            $"  .env             {EnvFile} ({sourceOf("EnvFile")})",
            $"  app services     {List(PresentAppServices)}" + (absentApp.Length == 0 ? "" : $"; not in this compose file: {List(absentApp)}") +
            $" ({sourceOf("AppServices")})",
            $"  never restarted  {List(presentProtected)} ({sourceOf("ProtectedServices")})",
            $"  API              {ApiUrl} ({sourceOf("ApiUrl")})",
            $"  frontend         {(FrontendUrl is null ? "none" : FrontendUrl.ToString())} ({sourceOf("FrontendUrl")})",
        ];
    }

    static string List(IReadOnlyCollection<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
}
