namespace NukeCompat.Tests;

/// <summary>A temporary root directory containing <c>.nuke/</c>, deleted after the test.</summary>
public sealed class TestRoot : IDisposable
{
    public TestRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nukecompat-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(System.IO.Path.Combine(Path, ".nuke"));
    }

    public string Path { get; }

    public string NukeDirectory => System.IO.Path.Combine(Path, ".nuke");

    public string TempDirectory => System.IO.Path.Combine(Path, ".nuke", "temp");

    public void WriteParameters(string json, string? profile = null) =>
        File.WriteAllText(System.IO.Path.Combine(NukeDirectory, profile is null ? "parameters.json" : $"parameters.{profile}.json"), json);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
