using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The project name compose itself would use, so containers are found by the same
/// <c>com.docker.compose.project</c> label compose gave them: an explicit name, else COMPOSE_PROJECT_NAME from the
/// environment, else from the .env file, else the compose file's directory name, normalised as compose does.
/// </summary>
public static partial class ComposeProjectName
{
    public static string Resolve(string? explicitName, string composeFilePath, IReadOnlyDictionary<string, string> envFile)
    {
        if (!string.IsNullOrWhiteSpace(explicitName))
            return explicitName;
        if (Environment.GetEnvironmentVariable("COMPOSE_PROJECT_NAME") is { Length: > 0 } fromEnvironment)
            return fromEnvironment;
        if (envFile.TryGetValue("COMPOSE_PROJECT_NAME", out var fromEnvFile) && fromEnvFile.Length > 0)
            return fromEnvFile;
        var directory = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(composeFilePath))) ?? "default";
        return NotAllowed().Replace(directory.ToLowerInvariant(), "");
    }

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex NotAllowed();
}
