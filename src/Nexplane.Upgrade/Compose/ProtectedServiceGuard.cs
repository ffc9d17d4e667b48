using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// The services an upgrade must never stop or restart (the runbook: "Do not stop the database (db) or Redis").
/// Every operation that stops, starts or recreates services asks this guard first; it throws rather than
/// letting a mistyped parameter take the database down.
/// </summary>
public sealed class ProtectedServiceGuard(IEnumerable<string> names, OperatorAdvice advice)
{
    readonly HashSet<string> _names = names.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _names;

    public bool Contains(string service) => _names.Contains(service);

    /// <summary>Returns the services unchanged, or throws when one of them is protected.</summary>
    public IReadOnlyCollection<string> Refuse(IReadOnlyCollection<string> services, string action)
    {
        var refused = services.Where(_names.Contains).ToArray();
        if (refused.Length > 0)
            throw new ProtectedServiceException(
                $"Refusing to {action} {string.Join(", ", refused)}: protected services are never stopped or restarted by an upgrade " +
                $"(protected: {string.Join(", ", _names)}). Remove them from {advice.Flag(Setting.AppServices)} / {advice.Flag(Setting.StopServices)}.");
        if (services.Count == 0)
            throw new ArgumentException($"No services to {action}.", nameof(services));
        return services;
    }
}

public sealed class ProtectedServiceException(string message) : InvalidOperationException(message);
