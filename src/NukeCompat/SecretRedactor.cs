namespace Nuke.Common;

/// <summary>
/// Knows every secret value of the current run and replaces it with <see cref="Mask"/> in all output: console, log
/// files, the summary, the Errors &amp; Warnings replay and logged exceptions. <c>[Secret]</c> parameters are
/// registered by the engine; build and service code registers secrets it reads at run time (e.g. a password file).
/// </summary>
public static class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    private static readonly Lock Gate = new();
    private static string[] _secrets = [];

    /// <summary>From now on, <paramref name="secret"/> never appears in output. Blank values are ignored.</summary>
    public static void Register(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
            return;
        lock (Gate)
        {
            if (_secrets.Contains(secret, StringComparer.Ordinal))
                return;
            // Longest first, so a secret that contains another one is masked whole.
            _secrets = _secrets.Append(secret).OrderByDescending(x => x.Length).ToArray();
        }
    }

    public static string Redact(string text)
    {
        var secrets = _secrets;
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    public static bool ContainsSecret(string text) => _secrets.Any(x => text.Contains(x, StringComparison.Ordinal));

    /// <summary>Forgets all secrets; the engine calls it when a new run starts.</summary>
    internal static void Clear()
    {
        lock (Gate)
            _secrets = [];
    }
}
