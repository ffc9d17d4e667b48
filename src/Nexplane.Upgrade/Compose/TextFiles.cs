namespace Nexplane.Upgrade.Compose;

/// <summary>File writes that never leave a half-written deployment file behind.</summary>
public static class TextFiles
{
    /// <summary>
    /// Writes to a temporary file beside the target, copies the target's permissions, then renames it over the
    /// target: a crash leaves either the old or the new file, never a torn one.
    /// </summary>
    public static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temporary, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, File.Exists(path)
                ? File.GetUnixFileMode(path)
                : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
