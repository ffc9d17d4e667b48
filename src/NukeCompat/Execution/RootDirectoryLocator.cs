using Nuke.Common.IO;
using Nuke.Common.Parameters;

namespace Nuke.Common.Execution;

/// <summary>The root is the <c>--root</c> value, or the nearest directory upwards that contains <c>.nuke/</c>.</summary>
internal static class RootDirectoryLocator
{
    public static AbsolutePath Locate(BuildOptions options, CommandLineArguments arguments)
    {
        if (options.RootDirectory is not null)
            return AbsolutePath.Create(options.RootDirectory);
        if (arguments.GetValues("root") is { } values)
        {
            // A bare --root means the working directory.
            return values.Count == 0
                ? AbsolutePath.Create(options.WorkingDirectory)
                : AbsolutePath.Create(Path.GetFullPath(values[0], options.WorkingDirectory));
        }

        return TryFind(options.WorkingDirectory)
            ?? throw new BuildConfigurationException(
                $"Could not locate '.nuke' directory/file while walking up from '{options.WorkingDirectory}'.{Environment.NewLine}" +
                "Either create a directory/file to mark the root directory, or add '--root [path]' to the invocation.");
    }

    public static AbsolutePath? TryFind(string startDirectory)
    {
        var userProfile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            // ~/.nuke is NUKE's global tool folder, not a root marker.
            if (string.Equals(directory.FullName.TrimEnd(Path.DirectorySeparatorChar), userProfile.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
                continue;
            var marker = Path.Combine(directory.FullName, ".nuke");
            if (Directory.Exists(marker))
                return AbsolutePath.Create(directory.FullName);
            if (File.Exists(marker))
                throw new BuildConfigurationException($"'{marker}' is a file from an old NUKE version; replace it with a '.nuke' directory.");
        }

        return null;
    }
}
