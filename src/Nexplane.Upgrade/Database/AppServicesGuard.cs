using Nexplane.Upgrade.Compose;

namespace Nexplane.Upgrade.Database;

/// <summary>
/// A restore replaces the database under the app's feet: it may run only while the app services that write to the
/// database are stopped. This guard checks, and refuses with the command that stops them. It never stops anything
/// itself, and db and redis are not its business.
/// </summary>
public static class AppServicesGuard
{
    public static async Task EnsureStoppedAsync(DeploymentContainers containers, IReadOnlyList<string> services, string stopCommand,
        CancellationToken cancellationToken)
    {
        var running = new List<string>();
        foreach (var service in services)
            foreach (var container in await containers.OfServiceAsync(service, cancellationToken))
                if (container.State is "running" or "restarting" or "paused")
                    running.Add($"{service} ({container.Name}, {container.State})");
        if (running.Count > 0)
            throw new AppServicesRunningException(
                $"Refusing to restore while app services still use the database: {string.Join(", ", running)}. " +
                $"Stop them first with:{Environment.NewLine}  {stopCommand}{Environment.NewLine}then run Restore again. Nothing was changed.");
    }
}

public sealed class AppServicesRunningException(string message) : Exception(message);
