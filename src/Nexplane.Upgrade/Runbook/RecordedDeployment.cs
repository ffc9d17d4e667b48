using Nexplane.Upgrade.Database;

namespace Nexplane.Upgrade.Runbook;

/// <summary>
/// What a record (an upgrade's journal) says the deployment should look like now: the compose file and project it
/// was written for, what may answer on the version endpoint, the database it acted on, the alembic heads it may hold,
/// and each deployment file's acceptable contents. A fact the record does not hold (a journal written by an earlier
/// version of the tool) is null and only noted.
/// </summary>
/// <param name="Record">The record in an operator's words, e.g. "upgrade 20261206-1 (0.2.0 -> 0.3.0, succeeded)".</param>
/// <param name="State">What the record implies, e.g. "0.3.0 installed by it", "stopped after Stop".</param>
/// <param name="Running">What may answer on the version endpoint; null: not comparable (Preflight never recorded the version).</param>
/// <param name="AlembicRevisions">Acceptable alembic_version contents (rows joined by ','); null: not comparable.</param>
/// <param name="Files">Full path -> every sha256 the file may have (the tool's own writes); a missing path is not compared.</param>
public sealed record RecordedDeployment(
    string Record,
    string State,
    string ComposeFile,
    string? ComposeProject,
    ExpectedRunning? Running,
    DatabaseIdentity? Database,
    IReadOnlyList<string>? AlembicRevisions,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Files);

/// <summary>
/// What may answer on the version endpoint: one of <paramref name="Versions"/>, or (when <paramref name="MayBeDown"/>)
/// nothing. When nothing answers although a version should, the backend's container must still have been created from
/// that version's image (<paramref name="BackendImages"/>, version -> image): a crashed backend is still that version.
/// </summary>
public sealed record ExpectedRunning(IReadOnlyList<string> Versions, bool MayBeDown, IReadOnlyDictionary<string, string> BackendImages)
{
    public string Describe() =>
        Versions.Count == 0 ? "nothing (the app stopped)"
        : string.Join(" or ", Versions) + (MayBeDown ? ", or nothing (the app stopped)" : "");
}
