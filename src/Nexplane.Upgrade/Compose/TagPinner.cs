using Nexplane.Upgrade.Operator;

namespace Nexplane.Upgrade.Compose;

/// <summary>
/// Pins services to a new image tag where the deployment keeps it: the compose file's <c>image:</c> line, or the
/// <c>.env</c> variable that line interpolates. Only the tag's characters change; before the first edit of a file
/// in an upgrade, a byte-for-byte copy of it is kept beside it for the rollback.
/// </summary>
/// <param name="beforeWrite">
/// Called with a file's path and its new text just before every write (so a journal can keep its own copy of the original
/// and record what the upgrade wrote: a file that is neither was edited by someone else).
/// </param>
public sealed class TagPinner(string composeFilePath, string envFilePath, string upgradeId, OperatorAdvice advice, Action<string, string>? beforeWrite = null)
{
    /// <summary>Pins each service to its tag and returns the files that changed (none when already pinned).</summary>
    public IReadOnlyList<PinnedFile> Pin(IReadOnlyList<(string Service, string Tag)> pins)
    {
        var planned = PlanPins(pins);
        var changed = new List<PinnedFile>();
        if (planned.EnvChanges.Count > 0)
            changed.Add(Write(envFilePath, planned.EnvText, planned.EnvChanges));
        if (planned.ComposeChanges.Count > 0)
            changed.Add(Write(composeFilePath, planned.ComposeText, planned.ComposeChanges));

        VerifyResolvesTo(pins);
        return changed;
    }

    /// <summary>
    /// What <see cref="Pin"/> would change, line by line, without writing anything (the dry run prints it). A variable
    /// the .env lacks shows as a line added at its end.
    /// </summary>
    public IReadOnlyList<PlannedFileChange> Preview(IReadOnlyList<(string Service, string Tag)> pins)
    {
        var planned = PlanPins(pins);
        var changes = new List<PlannedFileChange>();
        if (planned.EnvChanges.Count > 0)
            changes.Add(new PlannedFileChange(envFilePath, planned.EnvChanges, LineChange.Between(File.Exists(envFilePath) ? File.ReadAllText(envFilePath) : "", planned.EnvText)));
        if (planned.ComposeChanges.Count > 0)
            changes.Add(new PlannedFileChange(composeFilePath, planned.ComposeChanges, LineChange.Between(File.ReadAllText(composeFilePath), planned.ComposeText)));
        return changes;
    }

    /// <summary>The files' new texts and the tags that move, computed in memory.</summary>
    PlannedPins PlanPins(IReadOnlyList<(string Service, string Tag)> pins)
    {
        var compose = ComposeDocument.Load(composeFilePath, advice);
        var env = DotEnvFile.Load(envFilePath);
        var composeChanges = new List<PinnedTag>();
        var envChanges = new List<PinnedTag>();

        foreach (var (service, tag) in pins)
        {
            switch (compose.LocateTag(service))
            {
                case TagLocation.ImageLine:
                    var previous = ImageReference.Parse(compose.Find(service)!.Image!).Tag;
                    if (previous == tag)
                        continue;
                    compose = compose.WithImageTag(service, tag);
                    composeChanges.Add(new PinnedTag(service, "image: line", previous, tag));
                    break;
                case TagLocation.EnvVariable(_, var variable):
                    var previousValue = env[variable];
                    if (previousValue == tag)
                        continue;
                    env.Set(variable, tag);
                    envChanges.Add(new PinnedTag(service, $"{variable} in {Path.GetFileName(envFilePath)}", previousValue, tag));
                    break;
            }
        }
        return new PlannedPins(compose.Text, composeChanges, env.ToText(), envChanges);
    }

    sealed record PlannedPins(string ComposeText, IReadOnlyList<PinnedTag> ComposeChanges, string EnvText, IReadOnlyList<PinnedTag> EnvChanges);

    /// <summary>The path of the copy kept of <paramref name="path"/> from before this upgrade changed it.</summary>
    public string PreviousCopyOf(string path) => $"{path}.pre-upgrade-{upgradeId}";

    PinnedFile Write(string path, string text, IReadOnlyList<PinnedTag> tags)
    {
        var copy = PreviousCopyOf(path);
        // A later step of the same upgrade may pin the same file again: the copy must stay the pre-upgrade one.
        if (!File.Exists(copy))
            File.Copy(path, copy);
        beforeWrite?.Invoke(path, text);
        TextFiles.WriteAtomically(path, text);
        return new PinnedFile(path, copy, PinnedFile.Sha256Of(copy), PinnedFile.Sha256Of(path), tags);
    }

    /// <summary>
    /// Reads the files back as compose will: a variable set in this process's environment beats the .env file, so
    /// an operator's exported IMAGE_TAG would silently start the old version.
    /// </summary>
    void VerifyResolvesTo(IReadOnlyList<(string Service, string Tag)> pins)
    {
        var compose = ComposeDocument.Load(composeFilePath, advice);
        var env = DotEnvFile.Load(envFilePath).Variables;
        foreach (var (service, tag) in pins)
        {
            var resolved = compose.ResolveImage(service, env);
            if (resolved.Tag == tag)
                continue;
            var hint = compose.LocateTag(service) is TagLocation.EnvVariable(_, var variable) && Environment.GetEnvironmentVariable(variable) is { } exported
                ? $" The environment of this run sets {variable}={exported}, which compose prefers over {envFilePath}; unset it and run again."
                : "";
            throw new ComposeFileException($"After pinning, {service} still resolves to {resolved} instead of tag {tag}.{hint}");
        }
    }
}
