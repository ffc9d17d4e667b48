using System.Text.Json;
using System.Text.RegularExpressions;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The project name compose itself uses, and where it came from, so containers are found by the same
/// <c>com.docker.compose.project</c> label compose gave them. Compose v2 is asked (<see cref="AskComposeV2Async"/>);
/// the order below is the fallback where v2 is not installed, since v1's <c>config</c> prints no project name, and
/// it still says where the name came from. Compose's order: an explicit name, else COMPOSE_PROJECT_NAME from the
/// environment, else from the .env file, else the compose file's top-level <c>name:</c>, else the compose file's
/// directory name, normalised as compose does.
/// </summary>
public sealed partial record ComposeProjectName(string Name, string Source)
{
    public const string Variable = "COMPOSE_PROJECT_NAME";

    /// <param name="explicitName">The operator's own choice (a parameter), or null.</param>
    /// <param name="explicitSource">Where that choice came from, for the run's description of its deployment.</param>
    /// <param name="composeV2Name">The name compose v2 itself resolved, or null when v2 could not be asked.</param>
    public static ComposeProjectName Resolve(string? explicitName, string explicitSource, ComposeDocument compose, DotEnvFile envFile,
        string? composeV2Name)
    {
        var resolved = Resolve(explicitName, explicitSource, compose, envFile);
        if (!string.IsNullOrWhiteSpace(explicitName) || composeV2Name is null)
            return resolved;
        return composeV2Name == resolved.Name
            ? resolved with { Source = resolved.Source + ", as compose v2 resolves it" }
            : new(composeV2Name, $"compose v2's own resolution (docker compose config; by compose's documented order it would be {resolved.Name}, from {resolved.Source})");
    }

    /// <summary>
    /// The project name as compose v2 resolves it, from <c>docker compose config --no-interpolate --format json</c>
    /// (its top-level <c>name</c>; without interpolation, so no value of the deployment is read). Null when v2 is not
    /// installed or cannot read the file: the documented order then stands in for it.
    /// </summary>
    public static async Task<string?> AskComposeV2Async(ICommandRunner commands, ComposeCli composeV2, CancellationToken cancellationToken)
    {
        try
        {
            var model = await commands.RunAsync(composeV2.ModelWithoutValues(), cancellationToken: cancellationToken);
            if (!model.Succeeded)
                return null;
            using var document = JsonDocument.Parse(string.Join("\n", model.StandardOutput));
            return document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        }
        catch (Exception exception) when (exception is CommandNotStartedException or JsonException)
        {
            return null;
        }
    }

    static ComposeProjectName Resolve(string? explicitName, string explicitSource, ComposeDocument compose, DotEnvFile envFile)
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
