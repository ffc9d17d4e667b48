using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Nuke.Common;

/// <summary>Checks that throw ordinary exceptions, which fail the running target with a readable message.</summary>
public static class Assert
{
    public static void True([DoesNotReturnIf(false)] bool condition, string? message = null,
        [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
            throw new InvalidOperationException(message ?? $"Expected '{expression}' to be true");
    }

    public static void False([DoesNotReturnIf(true)] bool condition, string? message = null,
        [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (condition)
            throw new InvalidOperationException(message ?? $"Expected '{expression}' to be false");
    }

    public static T NotNull<T>([NotNull] T? value, string? message = null,
        [CallerArgumentExpression(nameof(value))] string? expression = null)
        where T : class
    {
        if (value is null)
            throw new InvalidOperationException(message ?? $"Expected '{expression}' to be not null");
        return value;
    }

    [DoesNotReturn]
    public static void Fail(string message) => throw new InvalidOperationException(message);
}
