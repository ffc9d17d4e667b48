using System.Security.Cryptography;
using System.Text;
using Nuke.Common.IO;

namespace Nuke.Common.Execution;

/// <summary>
/// <c>.nuke/temp/build-attempt.log</c>: line 1 fingerprints the invocation (target names and values, not option
/// names), each later line is a target that succeeded. <c>--continue</c> skips those targets if the fingerprint matches.
/// </summary>
internal sealed class BuildAttemptLog
{
    private readonly AbsolutePath _file;

    private BuildAttemptLog(AbsolutePath file, IReadOnlySet<string> previouslySucceeded)
    {
        _file = file;
        PreviouslySucceeded = previouslySucceeded;
    }

    public IReadOnlySet<string> PreviouslySucceeded { get; }

    public static BuildAttemptLog Start(AbsolutePath temporaryDirectory, IReadOnlyList<string> tokens, bool continueAttempt, Action<string> warn)
    {
        var file = temporaryDirectory.CreateDirectory() / "build-attempt.log";
        var fingerprint = Fingerprint(tokens);
        if (continueAttempt && file.FileExists())
        {
            var lines = File.ReadAllLines(file);
            if (lines.Length > 0 && lines[0] == fingerprint)
                return new BuildAttemptLog(file, lines.Skip(1).Where(x => x.Length > 0).ToHashSet(StringComparer.Ordinal));
            warn("Build invocation changed. Restarting ...");
        }

        File.WriteAllText(file, fingerprint + "\n");
        return new BuildAttemptLog(file, new HashSet<string>());
    }

    public void RecordSuccess(string targetName) => File.AppendAllText(_file, targetName + "\n");

    private static string Fingerprint(IEnumerable<string> tokens)
    {
        var significant = string.Join("\n", tokens.Where(x => !x.StartsWith('-')));
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(significant)));
    }
}
