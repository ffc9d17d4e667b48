using System.Text;
using System.Text.Json;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Compose;

/// <summary>A registry login. The password is a secret: it is never logged and <see cref="ToString"/> leaves it out.</summary>
public sealed record RegistryLogin(string Username, string Password)
{
    public override string ToString() => $"{Username} (password hidden)";
}

/// <summary>
/// The credentials `docker login` stored on this machine, read the way the docker CLI reads them: the config file
/// (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>), where a registry's credential helper
/// (<c>credHelpers</c>), else the default store (<c>credsStore</c>), is asked through <c>docker-credential-&lt;name&gt; get</c>,
/// else the base64 <c>auths</c> entry is used. Pull hands them to the engine; Preflight's manifest check to the
/// registry. No credentials for a registry means anonymous access, as with a plain `docker pull`.
/// </summary>
public sealed class RegistryCredentials(string configFile, ICommandRunner commands)
{
    /// <summary>Docker Hub's credentials are stored under its legacy index address.</summary>
    const string DockerHubKey = "https://index.docker.io/v1/";

    public static RegistryCredentials FromEnvironment(ICommandRunner commands) =>
        new(Path.Combine(
            Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } directory
                ? directory
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"),
            "config.json"), commands);

    /// <summary>Each registry is looked up once per instance (callers ask one image at a time): an upgrade's images usually share one.</summary>
    readonly Dictionary<string, RegistryLogin?> found = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The login for <paramref name="registry"/> (e.g. <c>ghcr.io</c>, <c>127.0.0.1:5000</c>), or null for anonymous access.</summary>
    public async Task<RegistryLogin?> FindAsync(string registry, CancellationToken cancellationToken)
    {
        if (found.TryGetValue(registry, out var known))
            return known;
        var login = await ReadAsync(registry, cancellationToken);
        found[registry] = login;
        return login;
    }

    async Task<RegistryLogin?> ReadAsync(string registry, CancellationToken cancellationToken)
    {
        if (!File.Exists(configFile))
            return null;
        JsonElement config;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(configFile, cancellationToken));
            config = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new RegistryException($"The docker config {configFile} is not valid JSON ({exception.Message}); fix it or run docker login again.");
        }

        var key = registry == "registry-1.docker.io" ? DockerHubKey : registry;
        var helper = Text(config, "credHelpers", key) ?? (config.TryGetProperty("credsStore", out var store) ? store.GetString() : null);
        if (!string.IsNullOrEmpty(helper))
            return await FromHelperAsync(helper, key, cancellationToken);
        return FromAuths(config, key);
    }

    RegistryLogin? FromAuths(JsonElement config, string key)
    {
        if (!config.TryGetProperty("auths", out var auths) || !auths.TryGetProperty(key, out var entry))
            return null;
        if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                throw new RegistryException($"The docker config {configFile} holds a damaged login for {key}; run docker login {key} again.");
            }
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
                throw new RegistryException($"The docker config {configFile} holds a damaged login for {key}; run docker login {key} again.");
            return new RegistryLogin(decoded[..colon], decoded[(colon + 1)..]);
        }
        return Text(entry, "username") is { } username && Text(entry, "password") is { } password ? new RegistryLogin(username, password) : null;
    }

    /// <summary>
    /// <c>docker-credential-&lt;helper&gt; get</c>: the registry goes in on stdin and the secret comes back on stdout,
    /// so neither is ever an argument or logged.
    /// </summary>
    public static CommandLine HelperGet(string helper, string key) => new($"docker-credential-{helper}", "get") { StandardInput = key };

    async Task<RegistryLogin?> FromHelperAsync(string helper, string key, CancellationToken cancellationToken)
    {
        var command = HelperGet(helper, key);
        var program = command.Program;
        CommandResult result;
        try
        {
            result = await commands.RunAsync(command, cancellationToken: cancellationToken);
        }
        catch (CommandNotStartedException exception)
        {
            throw new RegistryException($"The docker config names the credential helper {program}, which cannot be run here ({exception.Message}).");
        }
        var standardOutput = string.Join("\n", result.StandardOutput);
        var standardError = string.Join("\n", result.StandardError);
        if (result.ExitCode != 0)
        {
            // Every helper says so when it has nothing for this registry: anonymous access, as docker does.
            if (standardOutput.Contains("credentials not found", StringComparison.OrdinalIgnoreCase) ||
                standardError.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                return null;
            throw new RegistryException($"{program} get failed for {key} (exit code {result.ExitCode}): {standardError.Trim()}");
        }
        try
        {
            using var answer = JsonDocument.Parse(standardOutput);
            return Text(answer.RootElement, "Username") is { } username && Text(answer.RootElement, "Secret") is { } secret
                ? new RegistryLogin(username, secret)
                : null;
        }
        catch (JsonException)
        {
            throw new RegistryException($"{program} get answered something that is not its JSON for {key}.");
        }
    }

    static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                return null;
        return element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text ? text : null;
    }
}
