using System.Linq.Expressions;

namespace Nuke.Common.Execution;

/// <summary>A fail-fast check run before the first target, for targets that are still scheduled.</summary>
internal abstract class TargetRequirement
{
    /// <summary>Returns the error message, or null when the requirement holds.</summary>
    public abstract string? Check(string targetName);

    public static TargetRequirement ForMember(LambdaExpression expression) => new MemberRequirement(expression);

    public static TargetRequirement ForCondition(Expression<Func<bool>> expression, string? text) =>
        new ConditionRequirement(expression, text ?? expression.Body.ToString());

    private sealed class MemberRequirement(LambdaExpression expression) : TargetRequirement
    {
        public override string? Check(string targetName)
        {
            var value = expression.Compile().DynamicInvoke();
            var missing = value is null || value is string text && string.IsNullOrWhiteSpace(text);
            return missing ? $"Target '{targetName}' requires member '{MemberName}' to be not null or empty" : null;
        }

        private string MemberName
        {
            get
            {
                var body = expression.Body;
                while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } unary)
                    body = unary.Operand;
                return body is MemberExpression member ? member.Member.Name : body.ToString();
            }
        }
    }

    private sealed class ConditionRequirement(Expression<Func<bool>> expression, string text) : TargetRequirement
    {
        public override string? Check(string targetName) =>
            expression.Compile().Invoke() ? null : $"Target '{targetName}' requires '{TargetCondition.CleanText(text)}'";
    }
}
