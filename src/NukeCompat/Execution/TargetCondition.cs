namespace Nuke.Common.Execution;

/// <summary>An OnlyWhen predicate plus the cleaned source text printed as the skip reason.</summary>
internal sealed record TargetCondition(string Text, Func<bool> Predicate)
{
    /// <summary><c>() => IsServerBuild</c> becomes <c>IsServerBuild</c>.</summary>
    public static string CleanText(string? expression) =>
        (expression ?? "<condition>").TrimStart('(', ')', '=', '>', ' ', '\t', '\r', '\n');
}
