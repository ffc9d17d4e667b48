namespace Nexplane.Upgrade.Processes;

/// <summary>
/// Where a command's bytes come from and go to. The runner copies them with blocking reads and writes on threads of
/// their own (<see cref="BlockingPipes"/>): the PostgreSQL tools' archives go through here, and asynchronous pipe
/// reads cost them several seconds of CPU per GB.
/// </summary>
public sealed record CommandStreams
{
    /// <summary>Fed to the command's stdin, which is closed at its end; none means an empty stdin.</summary>
    public Stream? Input { get; init; }

    /// <summary>Handed the command's stdout, read on a thread of its own; none means it is discarded.</summary>
    public Action<Stream, CancellationToken>? ReadOutput { get; init; }

    public static CommandStreams None { get; } = new();

    /// <summary>The command's stdout written to <paramref name="destination"/>, and <paramref name="input"/> (if any) fed to its stdin.</summary>
    public static CommandStreams To(Stream? destination, Stream? input = null) => new()
    {
        Input = input,
        ReadOutput = destination is null ? null : (stdout, _) => BlockingPipes.Copy(stdout, destination),
    };
}
