namespace Nexplane.Upgrade.Agents;

/// <summary>POSIX shell quoting for the paths and unit names put into remote commands.</summary>
public static class ShellQuoting
{
    /// <summary>'text' with every ' written as '\'' so the shell reads it back verbatim.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
