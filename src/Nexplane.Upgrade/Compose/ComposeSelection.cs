namespace Nexplane.Upgrade.Compose;

/// <summary>Which compose CLI the operator asked for: <see cref="Auto"/> lets <see cref="ComposeSelection"/> decide.</summary>
public enum ComposeCommand { Auto, V2, V1 }

/// <summary>The compose CLI a run uses, and why, in words for the operator.</summary>
public sealed record ComposeChoice(ComposeVariant Variant, string Reason);

/// <summary>
/// Chooses the compose CLI for a deployment. v2 is what Docker ships and what real installs run, so it is the default.
/// But a deployment whose containers v1 created keeps v1 while v1 is installed: v2 names the containers it recreates
/// <c>project-service-1</c> instead of v1's <c>project_service_1</c>, and an operator's scripts, monitoring and
/// <c>docker exec nexplane_db_1 ...</c> habits must not break in the middle of an upgrade.
/// <see cref="Setting.ComposeCommand"/> overrides the choice.
/// </summary>
public static class ComposeSelection
{
    /// <param name="createdBy">The <c>com.docker.compose.version</c> label of the deployment's newest container, null when it has none.</param>
    /// <param name="works">Whether a CLI works on this machine; asked only when the answer matters (v1's Python start-up is slow).</param>
    /// <param name="flag">How the operator spells <see cref="Setting.ComposeCommand"/>, e.g. <c>--compose-command</c>.</param>
    public static async Task<ComposeChoice> ChooseAsync(ComposeCommand requested, string? createdBy, Func<ComposeVariant, Task<bool>> works, string flag)
    {
        switch (requested)
        {
            case ComposeCommand.V2:
                return await works(ComposeVariant.V2)
                    ? new(ComposeVariant.V2, $"docker compose (v2), as {flag} asks")
                    : throw new ComposeFileException($"{flag} V2 asks for 'docker compose' (v2), which does not work on this machine; install the compose v2 plugin or pass {flag} Auto.");
            case ComposeCommand.V1:
                return await works(ComposeVariant.V1)
                    ? new(ComposeVariant.V1, $"docker-compose (v1), as {flag} asks")
                    : throw new ComposeFileException($"{flag} V1 asks for 'docker-compose' (v1), which does not work on this machine; install it or pass {flag} Auto.");
        }

        var createdByV1 = createdBy is not null && createdBy.StartsWith("1.", StringComparison.Ordinal);
        if (createdByV1 && await works(ComposeVariant.V1))
            return new(ComposeVariant.V1,
                $"docker-compose (v1): compose {createdBy} created this deployment's containers, and keeping it keeps their names (project_service_1); " +
                $"{flag} V2 moves the deployment to compose v2");
        if (await works(ComposeVariant.V2))
            return new(ComposeVariant.V2, createdByV1
                ? $"docker compose (v2): compose {createdBy} created this deployment's containers but is not installed; v2 names the containers it recreates project-service-1"
                : "docker compose (v2)");
        if (!createdByV1 && await works(ComposeVariant.V1))
            return new(ComposeVariant.V1, createdBy is null
                ? "docker-compose (v1), the only compose installed"
                : $"docker-compose (v1), the only compose installed, although compose {createdBy} created this deployment's containers; v1 names the containers it recreates project_service_1");
        throw new ComposeFileException("Neither 'docker compose' (v2) nor 'docker-compose' (v1) works on this machine; install one of them.");
    }
}
