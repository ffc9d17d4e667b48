using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// The deployment as it is right now, read before a command acts on a record of it. Every fact that could not be read
/// says why instead (the API down, the database unreachable): reading never fails, the comparison decides.
/// </summary>
/// <param name="RunningVersion">What the version endpoint answers; null when it does not answer (<paramref name="RunningVersionSource"/> says why).</param>
/// <param name="BackendImage">The image the backend's newest container was created from, running or not; null when it has none.</param>
/// <param name="Database">The database's identity; null when it could not be read (<paramref name="DatabaseProblem"/> says why).</param>
/// <param name="AlembicRevisions">The rows of alembic_version; null when the database could not be read.</param>
/// <param name="Files">The compose file and .env: full path -> sha256, null when the file does not exist.</param>
public sealed record ObservedDeployment(
    string ComposeFile,
    string ComposeProject,
    string? RunningVersion,
    string RunningVersionSource,
    string? BackendImage,
    DatabaseIdentity? Database,
    IReadOnlyList<string>? AlembicRevisions,
    string? DatabaseProblem,
    IReadOnlyDictionary<string, string?> Files);

/// <summary>Reads the deployment's facts for a reconciliation; never throws for a fact it cannot read.</summary>
public interface IDeploymentObserver
{
    Task<ObservedDeployment> ObserveAsync(CancellationToken cancellationToken);
}
