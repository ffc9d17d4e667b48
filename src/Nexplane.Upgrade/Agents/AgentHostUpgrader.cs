using Nexplane.Upgrade.Time;

namespace Nexplane.Upgrade.Agents;

/// <summary>Timings of the per-host procedure.</summary>
public sealed record AgentUpgradeTimings
{
    /// <summary>How long a restarted agent has to register with the control plane.</summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>A restarted agent registers within about half a second; polling at 500 ms rounded each wave up by most of that.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>How long a host rollback may take after the run was cancelled (Ctrl+C must not leave an agent stopped).</summary>
    public TimeSpan RollbackAfterCancelTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>
/// The runbook's agent step on one Linux host (over SSH, or this machine): upload the verified binary beside the old one and check its
/// hash there, stop the service, keep the old binary as <c>&lt;binary&gt;.old</c>, move the new one in (a rename,
/// so the path never lacks a binary), start the service, and wait until the agent registers with the control plane
/// on the new version. If it does not, the host is rolled back to the old binary and must register again.
/// </summary>
/// <remarks>Every wait and duration is on <paramref name="clock"/>, so a test waits out a registration timeout in no time.</remarks>
public sealed class AgentHostUpgrader(AgentHostConnector connect, IAgentRegistry registry, AgentUpgradeTimings timings, Action<string> log, Clock? clock = null)
{
    readonly Clock _clock = clock ?? Clock.System;

    public async Task<AgentHostOutcome> UpgradeAsync(AgentHost host, AgentBinary binary, CancellationToken cancellationToken)
    {
        var started = _clock.Timestamp();
        var phases = new AgentUpgradePhases(_clock);
        AgentHostOutcome Outcome(AgentHostResult result, string? from, string detail) =>
            new(host.Name, result, from, binary.Version, detail, SecondsSince(started));

        var before = await FindQuietlyAsync(host.Name, cancellationToken);
        phases.End("check");
        if (before?.Version is { } registered && registered.TrimStart('v') == binary.Version)
            return Outcome(AgentHostResult.AlreadyCurrent, registered, $"already registered on {binary.Version}");
        var from = before?.Version;

        IAgentHostShell shell;
        try
        {
            shell = await connect(host, cancellationToken);
        }
        catch (AgentHostConnectionException exception)
        {
            return Outcome(AgentHostResult.NotChanged, from, exception.Message);
        }
        phases.End("connect");

        await using (shell)
        {
            var commands = new AgentHostCommands(host);
            if (await PrepareAsync(shell, commands, host, binary, cancellationToken) is { } notReady)
                return Outcome(AgentHostResult.NotChanged, from, notReady);
            phases.End("upload");

            // From here on the host changes: any failure, and a cancellation, ends with the old binary running again.
            var changed = false;
            try
            {
                var stop = await shell.RunAsync(commands.Stop, cancellationToken);
                if (!stop.Succeeded)
                {
                    var restart = await shell.RunAsync(commands.Start, cancellationToken);
                    return Outcome(restart.Succeeded ? AgentHostResult.NotChanged : AgentHostResult.NeedsHuman, from,
                        $"systemctl stop {host.Service} failed: {stop.Explanation}" + (restart.Succeeded ? "; the old agent was started again" : $"; starting it again failed too: {restart.Explanation}. {ManualRecovery(host)}"));
                }
                changed = true;
                var whileStopped = await FindQuietlyAsync(host.Name, cancellationToken);
                var swap = await shell.RunAsync(commands.KeepOldAndInstallNew, cancellationToken);
                if (!swap.Succeeded)
                    return await RollBackAsync(shell, commands, host, before?.Version, binary.Version, $"installing the new binary failed: {swap.Explanation}", started, cancellationToken);
                var start = await shell.RunAsync(commands.Start, cancellationToken);
                if (!start.Succeeded)
                    return await RollBackAsync(shell, commands, host, before?.Version, binary.Version, $"systemctl start {host.Service} failed: {start.Explanation}", started, cancellationToken);
                phases.End("swap");

                var registration = await WaitForRegistrationAsync(shell, commands, host, binary.Version, whileStopped, cancellationToken);
                if (registration is not null)
                    return await RollBackAsync(shell, commands, host, before?.Version, binary.Version, registration, started, cancellationToken);
                phases.End("registration");
                log($"{host.Name}: agent {binary.Version} registered ({_clock.Since(started).TotalSeconds:0.0} s: {phases}); the old binary is kept as {commands.OldBinaryPath}");
                return Outcome(AgentHostResult.Upgraded, from, $"registered on {binary.Version}; old binary kept as {commands.OldBinaryPath}");
            }
            catch (OperationCanceledException) when (changed)
            {
                // Ctrl+C: never leave the agent stopped or half-installed. Roll the host back on a token of its own.
                using var rollbackTime = new CancellationTokenSource(timings.RollbackAfterCancelTimeout);
                var rolledBack = await RollBackAsync(shell, commands, host, before?.Version, binary.Version, "the run was cancelled", started, rollbackTime.Token);
                log($"{host.Name}: {rolledBack.Result} after cancellation: {rolledBack.Detail}");
                throw;
            }
        }
    }

    /// <summary>Checks platform, upload and hash before anything on the host changes; returns why not, or null.</summary>
    async Task<string?> PrepareAsync(IAgentHostShell shell, AgentHostCommands commands, AgentHost host, AgentBinary binary, CancellationToken cancellationToken)
    {
        var (machine, platform) = await AgentHostCommands.DetectPlatformAsync(shell, cancellationToken);
        if (platform != host.Platform)
            return $"the host reports machine '{machine}' ({platform?.Name ?? "unknown platform"}), not {host.Platform} as the agent hosts file says";

        // Half the bytes when the host has gzip (nearly every Linux host); the plain file otherwise.
        var gzip = (await shell.RunAsync(AgentHostCommands.HasGzip, cancellationToken)).Succeeded;
        await using (var content = gzip ? CompressedAgentBinary.Open(binary) : File.OpenRead(binary.FilePath))
        {
            var upload = await shell.RunWithInputAsync(gzip ? commands.WriteNewBinaryFromGzip : commands.WriteNewBinary, content, cancellationToken);
            if (!upload.Succeeded)
            {
                var removed = (await shell.RunAsync(commands.RemoveNewBinary, cancellationToken)).Succeeded;
                return $"uploading {binary.AssetName} to {commands.NewBinaryPath} failed: {upload.Explanation}" +
                       (removed ? "; the partial copy was removed" : $"; removing the partial copy failed too ({commands.RemoveNewBinary})");
            }
        }
        var hash = await shell.RunAsync(commands.HashNewBinary, cancellationToken);
        var remoteHash = hash.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (!hash.Succeeded || !string.Equals(remoteHash, binary.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            await shell.RunAsync(commands.RemoveNewBinary, cancellationToken);
            return hash.Succeeded
                ? $"the uploaded binary's sha256 on the host is {remoteHash}, not {binary.Sha256}: the copy was damaged in transit and removed"
                : $"sha256sum on the host failed: {hash.Explanation}";
        }
        var chmod = await shell.RunAsync(commands.MakeNewBinaryExecutable, cancellationToken);
        return chmod.Succeeded ? null : $"chmod of {commands.NewBinaryPath} failed: {chmod.Explanation}";
    }

    /// <summary>Waits for the agent to register on <paramref name="version"/> after the restart; returns why not, or null.</summary>
    async Task<string?> WaitForRegistrationAsync(IAgentHostShell shell, AgentHostCommands commands, AgentHost host, string? version,
        RegisteredAgent? whileStopped, CancellationToken cancellationToken)
    {
        var waitingSince = _clock.Timestamp();
        var polls = 0;
        while (_clock.Since(waitingSince) < timings.RegistrationTimeout)
        {
            var agent = await FindQuietlyAsync(host.Name, cancellationToken);
            if (agent is not null && RegisteredAfterRestart(agent, whileStopped, version))
                return null;
            // The service manager tells sooner than a timeout that the new agent died (asked about every 2 s).
            if (++polls % 8 == 0 && !(await shell.RunAsync(commands.IsActive, cancellationToken)).Succeeded)
                return $"the agent service stopped after starting (systemctl is-active: not active). Its last log lines:{Environment.NewLine}{await LastLogLinesAsync(shell, commands, cancellationToken)}";
            await _clock.DelayAsync(timings.PollInterval, cancellationToken);
        }
        return $"the agent did not register{(version is null ? "" : $" on {version}")} with the control plane within {timings.RegistrationTimeout.TotalSeconds:0.#} s. " +
               $"Its last log lines:{Environment.NewLine}{await LastLogLinesAsync(shell, commands, cancellationToken)}";
    }

    /// <summary>
    /// The restarted agent registered: on the expected version, and either that version is new to the control plane
    /// (only the new binary can report it) or the registration is newer than the record read while nothing ran. The
    /// record's time has whole seconds, so the version alone answers at once when it changed.
    /// </summary>
    static bool RegisteredAfterRestart(RegisteredAgent agent, RegisteredAgent? whileStopped, string? version)
    {
        var onVersion = version is null || agent.Version?.TrimStart('v') == version;
        var versionIsNew = version is not null && whileStopped?.Version?.TrimStart('v') != version;
        return onVersion && (versionIsNew || agent.LastSeen != whileStopped?.LastSeen);
    }

    /// <summary>
    /// Puts the binary kept as <c>&lt;binary&gt;.old</c> back on a host this tool upgraded (a Rollback of the whole
    /// upgrade), and waits until the agent registers on <paramref name="oldVersion"/> again.
    /// </summary>
    public async Task<AgentHostOutcome> RollBackAsync(AgentHost host, string? oldVersion, string newVersion, CancellationToken cancellationToken)
    {
        var started = _clock.Timestamp();
        IAgentHostShell shell;
        try
        {
            shell = await connect(host, cancellationToken);
        }
        catch (AgentHostConnectionException exception)
        {
            return new(host.Name, AgentHostResult.NeedsHuman, newVersion, oldVersion, $"{exception.Message}. {ManualRecovery(host)}", 0);
        }
        await using (shell)
        {
            var outcome = await RollBackAsync(shell, new AgentHostCommands(host), host, oldVersion, newVersion, "the upgrade is rolled back", started, cancellationToken);
            // Reported as the move it was: from the new version back to the old one.
            return outcome with { FromVersion = newVersion, ToVersion = oldVersion };
        }
    }

    async Task<AgentHostOutcome> RollBackAsync(IAgentHostShell shell, AgentHostCommands commands, AgentHost host, string? oldVersion,
        string newVersion, string why, long started, CancellationToken cancellationToken)
    {
        log($"{host.Name}: {why}");
        log($"{host.Name}: rolling back to the old binary ({commands.OldBinaryPath})");
        RegisteredAgent? whileStopped = null;
        foreach (var step in new[] { commands.Stop, commands.RestoreOldBinary, commands.Start })
        {
            var result = await shell.RunAsync(step, cancellationToken);
            if (!result.Succeeded)
                return new(host.Name, AgentHostResult.NeedsHuman, oldVersion, newVersion,
                    $"{why}; the rollback failed at '{step}': {result.Explanation}. {ManualRecovery(host)}", SecondsSince(started));
            // Read while nothing runs: the old agent's first registration after the start must differ from it.
            if (step == commands.Stop)
                whileStopped = await FindQuietlyAsync(host.Name, cancellationToken);
        }
        var registered = await WaitForRegistrationAsync(shell, commands, host, oldVersion?.TrimStart('v'), whileStopped, cancellationToken);
        return registered is null
            ? new(host.Name, AgentHostResult.RolledBack, oldVersion, newVersion,
                $"{why}; rolled back: the old agent{(oldVersion is { } old ? $" {old}" : "")} registered again", SecondsSince(started))
            : new(host.Name, AgentHostResult.NeedsHuman, oldVersion, newVersion,
                $"{why}; after putting the old binary back: {registered}. {ManualRecovery(host)}", SecondsSince(started));
    }

    double SecondsSince(long started) => Math.Round(_clock.Since(started).TotalSeconds, 2);

    async Task<string> LastLogLinesAsync(IAgentHostShell shell, AgentHostCommands commands, CancellationToken cancellationToken)
    {
        var journal = await shell.RunAsync(commands.LastLogLines, cancellationToken);
        var text = (journal.Output + journal.Error).TrimEnd();
        return string.Join(Environment.NewLine, text.Split('\n').TakeLast(10).Select(line => "    " + line.TrimEnd('\r')));
    }

    async Task<RegisteredAgent?> FindQuietlyAsync(string hostname, CancellationToken cancellationToken)
    {
        try
        {
            return await registry.FindAsync(hostname, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The control plane's answer is only evidence; a failed read is retried by the caller's loop.
            return null;
        }
    }

    /// <summary>What to run on the host by hand to put its old binary back.</summary>
    public static string ManualRecovery(AgentHost host)
    {
        var commands = new AgentHostCommands(host);
        // An inventory host may register under another name than the one the operator's inventory knows it by.
        var where = host.InventoryHostname is { } inventoryName && inventoryName != host.Name ? $"{host.Name} ({inventoryName} in the Ansible inventory)" : host.Name;
        return $"On {where} run: {commands.Stop}; {commands.RestoreOldBinary}; {commands.Start}";
    }
}
