namespace Nuke.Common.Output;

/// <summary>
/// The console output as the build writes it: passed through while the terminal is there, dropped once it went away,
/// so a dropped SSH connection never fails a write (EIO) in the middle of a target.
/// </summary>
internal sealed class HangUpSafeWriter(TextWriter terminal, TerminalConnection connection) : TextWriter
{
    public override System.Text.Encoding Encoding => terminal.Encoding;

    public override IFormatProvider FormatProvider => terminal.FormatProvider;

    public override string NewLine
    {
        get => terminal.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter accepts null; the terminal's keeps its own rule.
        set => terminal.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Guard(() => terminal.Write(value));

    public override void Write(string? value) => Guard(() => terminal.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => terminal.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        var copy = buffer.ToArray();
        Guard(() => terminal.Write(copy));
    }

    public override void WriteLine(string? value) => Guard(() => terminal.WriteLine(value));

    public override void Flush() => Guard(terminal.Flush);

    private void Guard(Action write)
    {
        if (connection.IsGone)
            return;
        try
        {
            write();
        }
        catch (IOException exception)
        {
            connection.HangUp($"writing to it failed: {exception.Message}");
        }
    }
}
