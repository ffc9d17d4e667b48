namespace Nuke.Common;

/// <summary>How much the console shows (<c>--verbosity</c>). File logs always receive everything.</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Verbose,
}
