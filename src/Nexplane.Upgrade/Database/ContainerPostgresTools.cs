namespace Nexplane.Upgrade.Database;

/// <summary>
/// The client tools inside the db container, run through the Docker API over the container's local socket, so they
/// work when the database port is not published and always match the server's version. Only the password is passed
/// (in the exec's environment); host and port are the container's own defaults.
/// </summary>
public sealed class ContainerPostgresTools(ContainerExec exec, string containerId, DatabaseTarget database) : IPostgresTools
{
    public BackupMode Mode => BackupMode.Container;

    public string ContainerId { get; } = containerId;

    public async Task<ToolResult> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment,
        Stream? standardOutput, Stream? standardInput, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string?> { ["PGPASSWORD"] = database.Password, ["PGAPPNAME"] = "nexplane-upgrade" };
        foreach (var (name, value) in environment.Where(pair => pair.Key is not ("PGHOST" or "PGPORT")))
            variables[name] = value;
        var (exitCode, standardError) = await exec.RunAsync(ContainerId, command, variables, standardOutput, standardInput, cancellationToken);
        return new ToolResult(exitCode, standardError);
    }

    public async Task<string?> VersionAsync(string tool, CancellationToken cancellationToken)
    {
        var output = new MemoryStream();
        var result = await RunAsync([tool, "--version"], new Dictionary<string, string?>(), output, null, cancellationToken);
        return result.Succeeded ? System.Text.Encoding.UTF8.GetString(output.ToArray()).Trim() : null;
    }
}
