using System.Linq.Expressions;
using Nuke.Common.Execution;

namespace Nuke.Common;

/// <summary>
/// Runs a build in-process with explicit <see cref="BuildOptions"/> (arguments, root, environment, output, interrupts)
/// and returns the exit code. <see cref="NukeBuild"/>'s <c>Execute&lt;T&gt;</c> uses it with the process's values.
/// </summary>
public static class BuildRunner
{
    public static int Run<T>(BuildOptions options, params Expression<Func<T, Target>>[] defaultTargets)
        where T : NukeBuild, new() =>
        Run(options, () => new T(), defaultTargets);

    /// <summary>
    /// Like <see cref="Run{T}(BuildOptions, Expression{Func{T, Target}}[])"/>, with a factory that is called after
    /// the root directory is known (so field initializers can use it); keep the instance to inspect the statuses.
    /// </summary>
    public static int Run<T>(BuildOptions options, Func<T> createBuild, params Expression<Func<T, Target>>[] defaultTargets)
        where T : NukeBuild =>
        new BuildRun(options, createBuild, defaultTargets.Select(TargetName).ToList()).Execute();

    private static string TargetName(LambdaExpression selector)
    {
        var body = selector.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert } unary)
            body = unary.Operand;
        return body is MemberExpression member
            ? member.Member.Name[(member.Member.Name.LastIndexOf('.') + 1)..]
            : throw new ArgumentException($"Default target '{selector}' must name a Target property, like 'x => x.Compile'.");
    }
}
