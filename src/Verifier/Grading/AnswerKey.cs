using System.Globalization;
using System.Text;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// Canonical keys for clustering answers in majority voting: answers the engine calls equal get the same key for
/// integers, fractions, decimals, radicals of rationals, pi, polynomials, "x = v", tuples, sets, intervals and matrices.
/// Keys can differ although <see cref="MathEquivalence.Compare"/> says equal when equality needs numeric evaluation
/// (1/(√2+√3+1), trigonometric identities, (x²-1)/(x-1) against x+1), when a leniency switch is on (50% and 1/2,
/// 30° and π/6, 3.14 and π), for a bare list against a tuple ("2, 3" and "(2, 3)"), and for equations that are
/// multiples of each other (2x+2y=2 and x+y=1).
/// </summary>
public static class AnswerKey
{
    /// <summary>The canonical key of an answer under the default grader options.</summary>
    public static string Canonical(string answer) => Canonical(answer, GraderOptions.Default);

    public static string Canonical(string answer, GraderOptions options)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(options);
        var budget = new GradingBudget(TimeProvider.System, options.TimeBudget);
        try
        {
            var parsed = AnswerParser.Parse(answer, options, budget);
            return Of(parsed, options, budget);
        }
        catch (GradingTimeoutException)
        {
            return "raw:" + AnswerParser.NormalizeForKey(answer.Length > options.MaxAnswerLength ? answer.Substring(0, options.MaxAnswerLength) : answer);
        }
    }

    internal static string Of(ParsedAnswer parsed, GraderOptions options, GradingBudget budget)
    {
        if (parsed.Root is null)
        {
            return "raw:" + parsed.Normalized;
        }

        var builder = new KeyBuilder(new ExactEvaluator(options, budget));
        return builder.Key(parsed.Root, 0);
    }

    private sealed class KeyBuilder(ExactEvaluator exact)
    {
        private const int MaxDepth = 256;

        public string Key(MathNode node, int depth)
        {
            if (depth > MaxDepth)
            {
                return "~deep";
            }

            depth++;
            node = EquivalenceChecker.Simplify(node);
            if (node is RelationNode relation && EquivalenceChecker.TryRelationValue(relation, out var value))
            {
                return Key(value, depth);
            }

            switch (node)
            {
                case SequenceNode { IsUnordered: true } set:
                    return "{" + string.Join(",", set.Items.Select(i => Key(i, depth)).Distinct().Order(StringComparer.Ordinal)) + "}";
                case SequenceNode tuple:
                    return tuple.Open + string.Join(",", tuple.Items.Select(i => Key(i, depth))) + tuple.Close;
                case UnionNode union:
                    return "union(" + string.Join(",", union.Parts.Select(p => Key(p, depth)).Distinct().Order(StringComparer.Ordinal)) + ")";
                case MatrixNode matrix:
                    return "[" + string.Join(";", matrix.Rows.Select(r => string.Join(",", r.Select(c => Key(c, depth))))) + "]";
                case TextNode text:
                    return "text:" + text.Text;
                case ChoiceNode choice:
                    return "choice:" + choice.Letter;
                case ClockTimeNode time:
                    return "time:" + time;
                case RelationNode other:
                    {
                        var builder = new StringBuilder();
                        for (var k = 0; k < other.Operands.Count; k++)
                        {
                            if (k > 0)
                            {
                                builder.Append(other.Operators[k - 1]);
                            }

                            builder.Append(Key(other.Operands[k], depth));
                        }

                        return builder.ToString();
                    }

                case PercentNode percent:
                    return Key(percent.Operand, depth);
                case DegreesNode degrees:
                    return Key(degrees.Operand, depth);
                case UnitNode unit:
                    return Key(unit.Operand, depth) + " " + unit.Unit;
            }

            var value2 = exact.TryEvaluate(node);
            return value2 is not null ? value2.ToCanonicalString() : "~" + Structural(node, depth);
        }

        private string Structural(MathNode node, int depth)
        {
            if (depth > MaxDepth)
            {
                return "deep";
            }

            depth++;
            return node switch
            {
                NumberNode number => number.Value.ToString(),
                SymbolNode symbol => symbol.Name,
                SumNode sum => "(" + string.Join("+", sum.Terms.Select(t => Structural(t, depth))) + ")",
                NegateNode negate => "-" + Structural(negate.Operand, depth),
                ProductNode product => "(" + string.Join("*", product.Factors.Select(f => Structural(f, depth))) + ")",
                DivideNode divide => "(" + Structural(divide.Numerator, depth) + "/" + Structural(divide.Denominator, depth) + ")",
                PowerNode power => "(" + Structural(power.Base, depth) + "^" + Structural(power.Exponent, depth) + ")",
                RootNode root => "root" + root.Degree.ToString(CultureInfo.InvariantCulture) + "(" + Structural(root.Radicand, depth) + ")",
                FunctionNode function => function.Name + "(" + string.Join(",", function.Arguments.Select(a => Structural(a, depth))) + ")",
                PlusMinusNode pm => "(" + (pm.Left is null ? "" : Structural(pm.Left, depth)) + "±" + Structural(pm.Right, depth) + ")",
                SumOverNode sum => (sum.IsProduct ? "prod" : "sum") + "(" + sum.Variable + "," + Structural(sum.Lower, depth) + ","
                    + Structural(sum.Upper, depth) + "," + Structural(sum.Body, depth) + ")",
                _ => Key(node, depth),
            };
        }
    }
}
