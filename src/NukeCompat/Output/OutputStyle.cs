namespace Nuke.Common.Output;

/// <summary>How a line the engine writes itself (logo, headers, summary) is coloured on a terminal.</summary>
internal enum OutputStyle
{
    Plain,
    Debug,
    Verbose,
    Information,
    Success,
    Warning,
    Error,
}
