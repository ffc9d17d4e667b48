using System.Text.RegularExpressions;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The project name compose itself would use, and where it came from, so containers are found by the same
/// <c>com.docker.compose.project</c> label compose gave them. Compose's order: an explicit name, else
/// COMPOSE_PROJECT_NAME from the environment, else from the .env file, else the compose file's top-level
/// <c>name:</c>, else the compose file's directory name, normalised as compose does.
/// </summary>
public sealed partial record ComposeProjectName(string Name, string Source)
{
    public const string Variable = "COMPOSE_PROJECT_NAME";

    /// <param name="explicitName">The operator's own choice (a parameter), or null.</param>
    /// <param name="explicitSource">Where that choice came from, for the run's description of its deployment.</param>
    public static ComposeProjectName Resolve(string? explicitName, string explicitSource, ComposeDocument compose, DotEnvFile envFile)
    {
        if (!string.IsNullOrWhiteSpace(explicitName))
            return new(explicitName, explicitSource);
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment)
            return new(fromEnvironment, $"{Variable} in the environment");
        if (envFile[Variable] is { Length: > 0 } fromEnvFile)
            return new(fromEnvFile, $"{Variable} in {envFile.Path}");
        if (compose.ProjectName is { Length: > 0 } fromName)
            return new(fromName, $"name: in {compose.Path}");
        var directory = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(compose.Path))) ?? "default";
        return new(NotAllowed().Replace(directory.ToLowerInvariant(), ""), $"the name of {Path.GetDirectoryName(Path.GetFullPath(compose.Path))}");
    }

    public override string ToString() => Name;

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex NotAllowed();
}
