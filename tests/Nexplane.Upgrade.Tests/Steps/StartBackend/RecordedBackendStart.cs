using Nexplane.Upgrade.Backend;
using Nexplane.Upgrade.Compose;
using Nexplane.Upgrade.Releases;
using Nexplane.Upgrade.Steps.StartBackend;

namespace Nexplane.Upgrade.Tests.Steps.StartBackend;

/// <summary>A backend start that records what the step asks of it, in order, and reports the migrations it is told to.</summary>
/// <param name="unhealthy">Thrown by the health wait when given (the backend never answers).</param>
/// <param name="pinnedFile">A file the pin "writes": the step's before-write callback is told of it, as the real pinner tells it.</param>
sealed class RecordedBackendStart(Func<string, MigrationOutcome> migrations, Exception? unhealthy = null, string? pinnedFile = null) : IBackendStart, IStopOnTheWay
{
    /// <summary>What alembic_version holds when a stop on the way reads it; by default the head the last watch reported.</summary>
    public IReadOnlyList<string>? Revisions { get; set; }

    /// <summary>The checks a stop on the way fails (by name: version, login, assets).</summary>
    public HashSet<string> FailingChecks { get; } = [];

    string? _lastHead;

    public List<string> Calls { get; } = [];

    public static readonly DateTimeOffset HealthyAt = new(2026, 1, 1, 12, 0, 5, TimeSpan.Zero);

    public void PinTags(IReadOnlyList<(string Service, string Tag)> pins, Action<string, string>? beforeWrite)
    {
        Calls.Add("pin " + string.Join(",", pins.Select(pin => $"{pin.Service}={pin.Tag}")));
        if (pinnedFile is not null)
            beforeWrite?.Invoke(pinnedFile, "BACKEND_TAG=" + pins[0].Tag + "\n");
    }

    public Task<DateTimeOffset> StartAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        Calls.Add("start " + string.Join(",", services));
        return Task.FromResult(DateTimeOffset.UnixEpoch);
    }

    public Task<MigrationOutcome> WatchMigrationsAsync(string outputFile, DateTimeOffset startedSince, CancellationToken cancellationToken)
    {
        Calls.Add("watch migrations");
        var outcome = migrations(outputFile);
        _lastHead = outcome.Head;
        return Task.FromResult(outcome);
    }

    public Task<DateTimeOffset> WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        Calls.Add("wait for health");
        return unhealthy is null ? Task.FromResult(HealthyAt) : Task.FromException<DateTimeOffset>(unhealthy);
    }

    public Task ConfirmStableAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        Calls.Add("confirm stable " + string.Join(",", services));
        return Task.CompletedTask;
    }

    public Task<(IReadOnlyList<string> Revisions, string Database)> AlembicRevisionsAsync(CancellationToken cancellationToken)
    {
        Calls.Add("read alembic_version");
        return Task.FromResult<(IReadOnlyList<string>, string)>((Revisions ?? (_lastHead is null ? [] : [_lastHead]), "nexplane"));
    }

    public Task<IReadOnlyList<VerificationGate>> VerifyAsync(NexplaneVersion version, CancellationToken cancellationToken)
    {
        Calls.Add($"verify {version}");
        return Task.FromResult<IReadOnlyList<VerificationGate>>(new[] { "version", "login", "assets" }
            .Select(name => new VerificationGate(name, !FailingChecks.Contains(name), FailingChecks.Contains(name) ? "failed" : "ok")).ToArray());
    }

    public Task<IReadOnlyList<StoppedContainer>> StopAsync(IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        Calls.Add("stop " + string.Join(",", services));
        return Task.FromResult<IReadOnlyList<StoppedContainer>>(services
            .Select(service => new StoppedContainer(service, $"{service}-1", "id", 0, 0.2, DateTimeOffset.UnixEpoch, false)).ToArray());
    }
}
