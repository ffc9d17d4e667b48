namespace Nuke.Common.Output;

/// <summary>Stands in for a logged exception whose message or stack trace mentions a secret.</summary>
internal sealed class RedactedException(Exception original) : Exception(SecretRedactor.Redact(original.Message))
{
    private readonly string _text = SecretRedactor.Redact(original.ToString());

    public override string? StackTrace => null;

    public override string ToString() => _text;
}
