using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Steps.Preflight;

/// <summary>The app services an upgrade moves, and the problems that keep it from moving them.</summary>
public sealed record ServiceSelection(IReadOnlyList<string> Selected, IReadOnlyList<UpgradeGateFailure> Failures);

/// <summary>The deployment's gates: its compose file, its services, its containers.</summary>
public static partial class PreflightGates
{
    /// <summary>The app services in the compose file that an image upgrade can move; a service named both app and protected is refused.</summary>
    public static ServiceSelection Services(IReadOnlyList<string> appServices, IReadOnlyCollection<string> protectedServices, ComposeDocument compose,
        OperatorAdvice advice)
    {
        var selected = new List<string>();
        var failures = new List<UpgradeGateFailure>();
        foreach (var service in appServices)
        {
            var found = compose.Find(service);
            if (protectedServices.Contains(service))
                failures.Add(new("services", $"'{service}' is both an app service and a protected service; protected services are never restarted."));
            else if (found is null)
                continue; // Normal (real deployments have no worker); the run's description of its deployment names it.
            else if (found.IsBuildOnly)
                failures.Add(new("services",
                    $"Service '{service}' is built from source (build: without image:). An image upgrade cannot move it: give it an image: line " +
                    $"with a released image, or leave it out with {advice.Flag(Setting.AppServices)}."));
            else
                selected.Add(service);
        }
        if (selected.Count == 0 && failures.Count == 0)
            failures.Add(new("services", $"None of the app services ({string.Join(", ", appServices)}) is in {compose.Path}."));
        return new ServiceSelection(selected, failures);
    }

    /// <summary>
    /// The deployment itself, not only the notes: a variable the compose file needs but nobody sets would reach the
    /// new release as an empty value (compose only warns), and a release that requires it crash-loops after migrating.
    /// </summary>
    public static IEnumerable<UpgradeGateFailure> ComposeVariables(DeploymentFiles files)
    {
        var (compose, envFile) = (files.Compose, files.EnvFile);
        foreach (var missing in Compose.ComposeVariables.Missing(compose.Text, envFile.Variables, files.EnvironmentVariable))
        {
            var where = missing.Services.Where(s => s.Length > 0).ToArray() is { Length: > 0 } services
                ? $"service(s) {string.Join(", ", services)}"
                : "its top level";
            yield return new("compose-variables",
                $"{compose.Path} uses ${{{missing.Name}}} ({where}) without a default, and neither {envFile.Path} nor the environment sets it: " +
                $"compose would start the service with an empty {missing.Name}. Set {missing.Name} in {envFile.Path}.");
        }
    }

    /// <summary>Everything after Preflight goes through the Docker engine.</summary>
    public static IEnumerable<UpgradeGateFailure> Docker(ContainerFacts containers) =>
        containers.DockerProblem is { } problem ? [new("docker", problem)] : [];

    /// <summary>Every container of the project must come from this compose file: one deployment, never two.</summary>
    public static IEnumerable<UpgradeGateFailure> OwnContainers(ContainerFacts containers) =>
        containers.Services.Where(s => s.ForeignProblem is not null).Select(s => new UpgradeGateFailure("deployment", s.ForeignProblem!));

    /// <summary>
    /// A protected service's running container and its compose file must agree on repository and major version
    /// (<see cref="ProtectedImageCheck"/>). Judged only when every container is this deployment's own.
    /// </summary>
    public static IEnumerable<UpgradeGateFailure> ProtectedImages(IReadOnlyCollection<string> protectedServices, DeploymentFiles files,
        ContainerFacts containers)
    {
        if (containers.DockerProblem is not null || containers.Services.Any(s => s.ForeignProblem is not null))
            yield break;
        foreach (var service in protectedServices.Where(s => files.Compose.Find(s)?.Image is not null))
        {
            var running = containers.Services.FirstOrDefault(s => s.Service == service)?.Containers.FirstOrDefault(c => c.State == "running");
            if (running is null)
                continue;
            if (ProtectedImageCheck.Compare(service, files.Compose.ResolveImage(service, files.EnvFile.Variables), ImageReference.Parse(running.Image)) is
                { } problem)
                yield return new("protected-image", problem);
        }
    }
}
