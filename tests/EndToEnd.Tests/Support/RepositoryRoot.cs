namespace EndToEnd.Tests.Support;

/// <summary>The checkout these tests belong to, found by walking up to the directory holding build.sh and .nuke/.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "build.sh"))
                && Directory.Exists(System.IO.Path.Combine(directory.FullName, ".nuke")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No repository root (build.sh + .nuke/) above {AppContext.BaseDirectory}.");
    }
}
