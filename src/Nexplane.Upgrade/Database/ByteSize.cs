namespace Nexplane.Upgrade.Database;

/// <summary>Sizes as the tool prints them: megabytes with one decimal.</summary>
public static class ByteSize
{
    public static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";
}
