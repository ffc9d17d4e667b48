using System.Text.RegularExpressions;
using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>
/// db and redis are never restarted by an upgrade, but the next plain <c>compose up</c> would recreate them from
/// the compose file. When that file names another major version than the one running (postgres:16 -> 17), the
/// data directory would not start on it: that move needs a dump and restore, never an app upgrade.
/// </summary>
public static partial class ProtectedImageCheck
{
    /// <summary>The major version a tag starts with (<c>16-alpine</c> -> 16), or null (<c>latest</c>, a digest).</summary>
    public static int? MajorOf(string? tag) =>
        tag is not null && LeadingNumber().Match(tag) is { Success: true } match ? int.Parse(match.Groups[1].Value) : null;

    /// <summary>A problem when the compose file and the running container disagree on repository or major version.</summary>
    public static string? Compare(string service, ImageReference inComposeFile, ImageReference running)
    {
        if (!SameRepository(inComposeFile.Repository, running.Repository))
            return $"The compose file names {inComposeFile} for {service}, but {running} runs: a different image for a protected service " +
                   "is a migration of its own, not part of an app upgrade. Put the running image back in the compose file.";
        var (wanted, current) = (MajorOf(inComposeFile.Tag), MajorOf(running.Tag));
        return wanted is not null && current is not null && wanted != current
            ? $"The compose file names {inComposeFile} for {service}, but {running} runs: a major version change of {service} needs its " +
              "own dump and restore (its data directory does not start on another major version) and is refused here. Pin the running major in the compose file."
            : null;
    }

    /// <summary><c>postgres</c> and <c>docker.io/library/postgres</c> are the same repository.</summary>
    static bool SameRepository(string a, string b) => Normalise(a) == Normalise(b);

    static string Normalise(string repository)
    {
        var (registry, path) = RegistryClient.SplitRegistry(repository);
        return (registry is "docker.io" or "index.docker.io" ? "registry-1.docker.io" : registry) + "/" + path;
    }

    [GeneratedRegex(@"^v?(\d+)")]
    private static partial Regex LeadingNumber();
}
