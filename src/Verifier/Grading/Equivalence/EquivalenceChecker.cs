using System.Globalization;
using System.Numerics;

namespace BestOfN.Verifier.Grading;

internal enum Outcome
{
    Equal,
    NotEqual,
    Undecidable,
}

internal readonly record struct Judgement(Outcome Outcome, string Reason)
{
    public static Judgement Equal(string reason) => new(Outcome.Equal, reason);

    public static Judgement NotEqual(string reason) => new(Outcome.NotEqual, reason);

    public static Judgement Undecidable(string reason) => new(Outcome.Undecidable, reason);
}

/// <summary>
/// Compares two parsed answers: structure first (relations, lists, sets, intervals, matrices, text), then scalar values,
/// exactly when both have an <see cref="ExactValue"/> and numerically otherwise. The prediction is always the left side.
/// One instance serves one comparison.
/// </summary>
internal sealed partial class EquivalenceChecker
{
    private const double AbsoluteTolerance = 1e-12;

    private readonly GraderOptions _options;
    private readonly GradingBudget _budget;
    private readonly ExactEvaluator _exact;
    private readonly NumericEvaluator _numeric;

    public EquivalenceChecker(GraderOptions options, GradingBudget budget)
    {
        _options = options;
        _budget = budget;
        _exact = new ExactEvaluator(options, budget);
        _numeric = new NumericEvaluator(options, budget);
    }

    public GradeResult Compare(ParsedAnswer prediction, ParsedAnswer gold)
    {
        if (prediction.Failure is null && gold.Failure is null && prediction.Normalized == gold.Normalized)
        {
            return new GradeResult(Verdict.Equal, "identical after normalisation");
        }

        if (prediction.Failure is not null)
        {
            return new GradeResult(Verdict.Unparseable, "prediction: " + prediction.Failure);
        }

        if (gold.Failure is not null)
        {
            return new GradeResult(Verdict.Unparseable, "gold: " + gold.Failure);
        }

        Judgement judgement;
        if (IsPlainScalar(prediction.Root!) && IsPlainScalar(gold.Root!)
            && prediction.ExactRoot(_exact) is { } exactPrediction && gold.ExactRoot(_exact) is { } exactGold)
        {
            judgement = CompareExact(prediction.Root!, exactPrediction, gold.Root!, exactGold);
        }
        else
        {
            judgement = Nodes(prediction.Root!, gold.Root!);
        }

        return judgement.Outcome switch
        {
            Outcome.Equal => new GradeResult(Verdict.Equal, judgement.Reason),
            Outcome.NotEqual => new GradeResult(Verdict.NotEqual, judgement.Reason),
            _ => new GradeResult(Verdict.Unparseable, judgement.Reason),
        };
    }

    /// <summary>A number-like root without percent, degree or unit annotations, whose cached exact value can be compared directly.</summary>
    private static bool IsPlainScalar(MathNode node) => node is NumberNode or SymbolNode or SumNode or NegateNode or ProductNode or DivideNode or PowerNode or RootNode;

    internal static MathNode StripAnnotations(MathNode node) => node switch
    {
        PercentNode percent => StripAnnotations(percent.Operand),
        DegreesNode degrees => StripAnnotations(degrees.Operand),
        _ => node,
    };

    public Judgement Nodes(MathNode prediction, MathNode gold)
    {
        _budget.Tick();
        var a = Simplify(prediction);
        var b = Simplify(gold);

        if (a is RelationNode ra && b is RelationNode rb)
        {
            return Relations(ra, rb);
        }

        if (a is RelationNode relationA && TryRelationValue(relationA, out var valueA))
        {
            return Nodes(valueA, b);
        }

        if (b is RelationNode relationB && TryRelationValue(relationB, out var valueB))
        {
            return Nodes(a, valueB);
        }

        if (a is RelationNode inequalityA && TryInterval(inequalityA, out var intervalA))
        {
            return Nodes(intervalA, b);
        }

        if (b is RelationNode inequalityB && TryInterval(inequalityB, out var intervalB))
        {
            return Nodes(a, intervalB);
        }

        if (a is RelationNode || b is RelationNode)
        {
            return Judgement.NotEqual("a relation against a value");
        }

        if (IsCollection(a) || IsCollection(b))
        {
            return Collections(a, b);
        }

        if (a is ChoiceNode || b is ChoiceNode)
        {
            return a is ChoiceNode ca && b is ChoiceNode cb && ca.Letter == cb.Letter
                ? Judgement.Equal("same choice")
                : Judgement.NotEqual("different choices");
        }

        if (a is ClockTimeNode || b is ClockTimeNode)
        {
            return a is ClockTimeNode timeA && b is ClockTimeNode timeB
                ? (timeA == timeB ? Judgement.Equal("same clock time") : Judgement.NotEqual($"different clock times: {timeA} against {timeB}"))
                : Judgement.NotEqual("a clock time against a value");
        }

        if (a is TextNode || b is TextNode)
        {
            return a is TextNode ta && b is TextNode tb && ta.Text == tb.Text
                ? Judgement.Equal("same text")
                : Judgement.NotEqual(a is TextNode && b is TextNode ? "different text" : "text against math");
        }

        return Scalars(a, b);
    }

    private static bool IsCollection(MathNode node) => node is SequenceNode or UnionNode or MatrixNode;

    /// <summary>A one-element bare list or set is its element.</summary>
    internal static MathNode Simplify(MathNode node)
    {
        while (node is SequenceNode { IsUnordered: true, Items.Count: 1 } single)
        {
            node = single.Items[0];
        }

        return node;
    }

    private Judgement Scalars(MathNode a, MathNode b)
    {
        if (a is UnitNode || b is UnitNode)
        {
            if (a is UnitNode ua && b is UnitNode ub)
            {
                return ua.Unit == ub.Unit ? Nodes(ua.Operand, ub.Operand) : Judgement.NotEqual($"units differ: {ua.Unit} against {ub.Unit}");
            }

            return Judgement.NotEqual("a value with a unit against one without");
        }

        Judgement? first = null;
        foreach (var x in Alternatives(a))
        {
            foreach (var y in Alternatives(b))
            {
                var judgement = ScalarValues(x, y);
                if (judgement.Outcome == Outcome.Equal)
                {
                    return judgement;
                }

                first ??= judgement;
            }
        }

        return first!.Value;
    }

    /// <summary>The readings of a value: the bare number first, then p/100 or d·π/180 when those switches are on.</summary>
    private List<MathNode> Alternatives(MathNode node)
    {
        var result = new List<MathNode> { StripAnnotations(node) };
        if (node is PercentNode percent && _options.PercentEqualsFraction)
        {
            result.Add(new DivideNode(StripAnnotations(percent.Operand), new NumberNode(Rational.FromInteger(100), 0)));
        }

        if (node is DegreesNode degrees && _options.DegreesEqualRadians)
        {
            result.Add(new DivideNode(
                new ProductNode([StripAnnotations(degrees.Operand), new SymbolNode(SymbolNode.Pi)]),
                new NumberNode(Rational.FromInteger(180), 0)));
        }

        return result;
    }

    private Judgement ScalarValues(MathNode a, MathNode b)
    {
        var exactA = _exact.TryEvaluate(a);
        var exactB = exactA is null ? null : _exact.TryEvaluate(b);
        if (exactA is not null && exactB is not null)
        {
            return CompareExact(a, exactA, b, exactB);
        }

        if (TryCancelCommonFactors(a, b, out var restA, out var restB))
        {
            // a·(1+10^-300) against a: double precision cannot see the difference, the remaining factors can.
            return ScalarValues(restA, restB);
        }

        if (TryCancelCommonTerms(a, b, out var termsA, out var termsB))
        {
            // sin 1 + 10^-100 against sin 1: the same for terms of a sum.
            return ScalarValues(termsA, termsB);
        }

        return Numeric(a, b);
    }

    private Judgement CompareExact(MathNode a, ExactValue exactA, MathNode b, ExactValue exactB)
    {
        if (exactA.ValueEquals(exactB))
        {
            return Judgement.Equal("equal exact values");
        }

        if (_options.AcceptRoundedDecimals && RoundsTo(a, b) is { } rounded)
        {
            return rounded;
        }

        return Judgement.NotEqual($"exact values differ: {Truncate(exactA.ToCanonicalString())} against {Truncate(exactB.ToCanonicalString())}");
    }

    internal static void CollectVariables(MathNode node, ISet<string> variables)
    {
        switch (node)
        {
            case SymbolNode symbol when !symbol.IsConstant:
                variables.Add(symbol.Name);
                break;
            case SumNode sum:
                foreach (var term in sum.Terms)
                {
                    CollectVariables(term, variables);
                }

                break;
            case ProductNode product:
                foreach (var factor in product.Factors)
                {
                    CollectVariables(factor, variables);
                }

                break;
            case NegateNode negate:
                CollectVariables(negate.Operand, variables);
                break;
            case DivideNode divide:
                CollectVariables(divide.Numerator, variables);
                CollectVariables(divide.Denominator, variables);
                break;
            case PowerNode power:
                CollectVariables(power.Base, variables);
                CollectVariables(power.Exponent, variables);
                break;
            case RootNode root:
                CollectVariables(root.Radicand, variables);
                break;
            case FunctionNode function:
                foreach (var argument in function.Arguments)
                {
                    CollectVariables(argument, variables);
                }

                break;
            case PercentNode percent:
                CollectVariables(percent.Operand, variables);
                break;
            case DegreesNode degrees:
                CollectVariables(degrees.Operand, variables);
                break;
            case UnitNode unit:
                CollectVariables(unit.Operand, variables);
                break;
            case SumOverNode sumOver:
                {
                    var inner = new HashSet<string>(StringComparer.Ordinal);
                    CollectVariables(sumOver.Body, inner);
                    inner.Remove(sumOver.Variable);
                    variables.UnionWith(inner);
                    CollectVariables(sumOver.Lower, variables);
                    CollectVariables(sumOver.Upper, variables);
                    break;
                }
        }
    }

    private static bool HasVariables(MathNode node)
    {
        var variables = new HashSet<string>(StringComparer.Ordinal);
        CollectVariables(node, variables);
        return variables.Count > 0;
    }

    private static string Format(Complex value) =>
        value.Imaginary == 0
            ? value.Real.ToString("G10", CultureInfo.InvariantCulture)
            : $"{value.Real.ToString("G10", CultureInfo.InvariantCulture)}{(value.Imaginary < 0 ? "-" : "+")}{Math.Abs(value.Imaginary).ToString("G10", CultureInfo.InvariantCulture)}i";

    private static string Truncate(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";
}
