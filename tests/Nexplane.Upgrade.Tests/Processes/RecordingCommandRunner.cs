using System.Text;
using Nexplane.Upgrade.Processes;

namespace Nexplane.Upgrade.Tests.Processes;

/// <summary>What a recorded command answers: its exit code and what it prints.</summary>
sealed record CommandAnswer(int ExitCode = 0, string StandardOutput = "", string StandardError = "")
{
    public static CommandAnswer Success { get; } = new();
}

/// <summary>
/// An <see cref="ICommandRunner"/> that starts no process: it records every command (and the bytes fed to its stdin)
/// and answers from <c>answer</c>, so a test compares the commands a class runs as data.
/// </summary>
sealed class RecordingCommandRunner(Func<CommandLine, CommandAnswer>? answer = null) : ICommandRunner
{
    readonly Func<CommandLine, CommandAnswer> _answer = answer ?? (_ => CommandAnswer.Success);

    public List<CommandLine> Commands { get; } = [];

    /// <summary>What each command got on stdin, by position in <see cref="Commands"/>; null for none.</summary>
    public List<byte[]?> Inputs { get; } = [];

    public Task<CommandResult> RunAsync(CommandLine command, Action<string>? onStandardOutput = null, Action<string>? onStandardError = null,
        CancellationToken cancellationToken = default)
    {
        var answered = Record(command, command.StandardInput is null ? null : Encoding.UTF8.GetBytes(command.StandardInput));
        var output = Lines(answered.StandardOutput);
        var error = Lines(answered.StandardError);
        foreach (var line in output)
            onStandardOutput?.Invoke(line);
        foreach (var line in error)
            onStandardError?.Invoke(line);
        return Task.FromResult(new CommandResult(answered.ExitCode, output, error));
    }

    public Task<StreamedCommandResult> RunStreamingAsync(CommandLine command, CommandStreams streams, CancellationToken cancellationToken)
    {
        byte[]? input = null;
        if (streams.Input is not null)
        {
            using var copy = new MemoryStream();
            streams.Input.CopyTo(copy);
            input = copy.ToArray();
        }
        else if (command.StandardInput is not null)
            input = Encoding.UTF8.GetBytes(command.StandardInput);
        var answered = Record(command, input);
        streams.ReadOutput?.Invoke(new MemoryStream(Encoding.UTF8.GetBytes(answered.StandardOutput)), cancellationToken);
        return Task.FromResult(new StreamedCommandResult(answered.ExitCode, answered.StandardError));
    }

    CommandAnswer Record(CommandLine command, byte[]? input)
    {
        lock (Commands)
        {
            Commands.Add(command);
            Inputs.Add(input);
        }
        return _answer(command);
    }

    static string[] Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
