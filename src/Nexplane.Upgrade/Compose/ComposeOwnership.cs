namespace Nexplane.Upgrade.Compose;

/// <summary>
/// Whether a container carrying this run's project label really belongs to this run's compose file. Two deployments
/// can share a project name (a copied directory, a profile that inherited another project); compose records the
/// directory and the files a container was created from, and a container of another file is refused, not touched.
/// </summary>
public static class ComposeOwnership
{
    public const string WorkingDirectoryLabel = "com.docker.compose.project.working_dir";
    public const string ConfigFilesLabel = "com.docker.compose.project.config_files";

    /// <summary>Null when the container was created from <paramref name="composeFile"/> (or compose did not say); otherwise why not.</summary>
    public static string? Problem(string containerName, string project, IDictionary<string, string>? labels, string composeFile)
    {
        var expectedFile = Path.GetFullPath(composeFile);
        var expectedDirectory = Path.GetDirectoryName(expectedFile)!;
        var workingDirectory = labels?.TryGetValue(WorkingDirectoryLabel, out var directory) == true && directory.Length > 0 ? directory : null;
        var configFiles = labels?.TryGetValue(ConfigFilesLabel, out var files) == true && files.Length > 0 ? files : null;
        if (workingDirectory is null && configFiles is null)
            return null;

        // Compose v1 records config files relative to the working directory, v2 absolute; both comma-separated.
        var createdFrom = (configFiles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(file => Path.GetFullPath(Path.Combine(workingDirectory ?? expectedDirectory, file)))
            .ToArray();
        var sameDirectory = workingDirectory is null || SamePath(workingDirectory, expectedDirectory);
        var sameFile = createdFrom.Length == 0 || createdFrom.Any(file => SamePath(file, expectedFile));
        if (sameDirectory && sameFile)
            return null;

        var theirs = createdFrom.Length > 0 ? string.Join(", ", createdFrom) : workingDirectory;
        return $"Container {containerName} carries compose project '{project}' but was created from {theirs}, not from {expectedFile}, " +
               $"the compose file this run was given: two deployments share the project name '{project}'. This run does not act on " +
               "another deployment's containers. Name this deployment's own project (COMPOSE_PROJECT_NAME in its .env, or the compose " +
               "project parameter), or give the compose file that container came from.";
    }

    static bool SamePath(string left, string right) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(left)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(right)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

/// <summary>A container of the resolved project was created from another compose file. Nothing was done to it.</summary>
public sealed class ForeignContainerException(string message) : Exception(message);
