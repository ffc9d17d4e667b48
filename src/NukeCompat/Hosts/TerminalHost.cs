namespace Nuke.Common.Hosts;

/// <summary>A local terminal: NUKE's box header before each target, nothing after it, warnings as log lines.</summary>
public sealed class TerminalHost : BuildHost
{
    public override string Name => "Terminal";

    public override bool IsServer => false;

    public override IReadOnlyList<string> TargetStart(string target) =>
    [
        "",
        "╬" + new string('═', target.Length + 5),
        "║ " + target,
        "╬" + new string('═', Math.Max(target.Length - 4, 2)),
        "",
    ];
}
