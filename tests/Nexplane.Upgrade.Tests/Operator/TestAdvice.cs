using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Tests.Operator;

/// <summary>The advice as the build spells it: NUKE's parameter naming ("--" + kebab-case, GitHub one word) and ./build.sh.</summary>
static class TestAdvice
{
    public static readonly OperatorAdvice Nuke = new(NukeFlag, "./build.sh");

    /// <summary>NUKE's rule for the build's parameter names (NukeBuild.ParameterFlag), which this project cannot reference.</summary>
    static string NukeFlag(string name) =>
        "--" + string.Concat(name.Replace("GitHub", "Github").Select((c, i) =>
            char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
