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
internal sealed class EquivalenceChecker
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

    /// <summary>
    /// The value a relation states: "x = 5", "(p, q) = (1, 2)", "f(x) = x^2" and "AB = 5" state their right side (a
    /// label on the left), "x \in [1,2]" the set, "2+3 = 5" and "a = b = 5" the last member, as does "\approx 3.14".
    /// An equation such as "x + y = 5" states no single value.
    /// </summary>
    internal static bool TryRelationValue(RelationNode relation, out MathNode value)
    {
        value = relation;
        var operators = relation.Operators;
        var left = relation.Operands[0];
        var last = relation.Operands[^1];
        if (operators.Count == 1 && operators[0] == "in")
        {
            if (IsLabel(left))
            {
                value = last;
                return true;
            }

            return false;
        }

        if (!operators.All(op => op is "=" or "≈"))
        {
            return false;
        }

        if (operators.Count > 1 || operators[0] == "≈" || IsLabel(left) || (!HasVariables(left) && !HasVariables(last)))
        {
            value = last;
            return true;
        }

        if (IsLabel(last))
        {
            value = left;
            return true;
        }

        return false;
    }

    /// <summary>What names a value rather than computes one: a variable, a product of letters (AB, f(x)), or a tuple of them.</summary>
    private static bool IsLabel(MathNode node) => node switch
    {
        SymbolNode symbol => !symbol.IsConstant,
        ProductNode product => product.Factors.All(IsLabel),
        SequenceNode { IsSet: false } tuple => tuple.Items.Count > 0 && tuple.Items.All(IsLabel),
        _ => false,
    };

    private static bool IsChain(RelationNode relation) =>
        relation.Operators.All(op => op is "=" or "≈") && (relation.Operators.Count > 1 || relation.Operators[0] == "≈");

    private static bool IsVariable(MathNode node) => node is SymbolNode { IsConstant: false };

    private Judgement Relations(RelationNode a, RelationNode b)
    {
        if (IsChain(a) && TryRelationValue(a, out var chainValueA))
        {
            return Nodes(chainValueA, b);
        }

        if (IsChain(b) && TryRelationValue(b, out var chainValueB))
        {
            return Nodes(a, chainValueB);
        }

        if (a.Operators.Count == 1 && b.Operators.Count == 1 && a.Operators[0] == "=" && b.Operators[0] == "=")
        {
            if (IsLabel(a.Operands[0]) && StructuralEquality.Equal(a.Operands[0], b.Operands[0]))
            {
                return Nodes(a.Operands[1], b.Operands[1]);
            }

            return Proportional(
                new SumNode([a.Operands[0], new NegateNode(a.Operands[1])]),
                new SumNode([b.Operands[0], new NegateNode(b.Operands[1])]));
        }

        if (a.Operators.Count == 1 && b.Operators.Count == 1 && a.Operators[0] == "in" && b.Operators[0] == "in")
        {
            return Nodes(a.Operands[1], b.Operands[1]);
        }

        if (TryInterval(a, out var intervalA) && TryInterval(b, out var intervalB))
        {
            return Nodes(intervalA, intervalB);
        }

        var (operandsA, operatorsA) = Oriented(a);
        var (operandsB, operatorsB) = Oriented(b);
        if (!operatorsA.SequenceEqual(operatorsB) || operandsA.Count != operandsB.Count)
        {
            return Judgement.NotEqual("different relations");
        }

        for (var k = 0; k < operandsA.Count; k++)
        {
            var judgement = Nodes(operandsA[k], operandsB[k]);
            if (judgement.Outcome != Outcome.Equal)
            {
                return judgement;
            }
        }

        return Judgement.Equal("same relation");
    }

    /// <summary>Writes "a &gt; b" as "b &lt; a" so that both spellings compare equal.</summary>
    private static (IReadOnlyList<MathNode> Operands, IReadOnlyList<string> Operators) Oriented(RelationNode relation)
    {
        if (relation.Operators.All(op => op is ">" or ">="))
        {
            return (relation.Operands.Reverse().ToList(), relation.Operators.Reverse().Select(op => op == ">" ? "<" : "<=").ToList());
        }

        return (relation.Operands, relation.Operators);
    }

    /// <summary>"x &gt; 3" is (3, ∞), "-2 \le x &lt; 5" is [-2, 5).</summary>
    internal bool TryInterval(RelationNode relation, out MathNode interval)
    {
        interval = relation;
        var (operands, operators) = Oriented(relation);
        if (!operators.All(op => op is "<" or "<="))
        {
            return false;
        }

        var infinity = new SymbolNode(SymbolNode.Infinity);
        if (operands.Count == 2)
        {
            if (IsVariable(operands[0]) && !HasVariables(operands[1]))
            {
                interval = new SequenceNode('(', operators[0] == "<" ? ')' : ']', [new NegateNode(infinity), operands[1]]);
                return true;
            }

            if (IsVariable(operands[1]) && !HasVariables(operands[0]))
            {
                interval = new SequenceNode(operators[0] == "<" ? '(' : '[', ')', [operands[0], infinity]);
                return true;
            }

            return TryLinearInterval(operands[0], operands[1], operators[0], out interval);
        }

        if (operands.Count == 3 && IsVariable(operands[1]) && !HasVariables(operands[0]) && !HasVariables(operands[2]))
        {
            interval = new SequenceNode(operators[0] == "<" ? '(' : '[', operators[1] == "<" ? ')' : ']', [operands[0], operands[2]]);
            return true;
        }

        return false;
    }

    /// <summary>
    /// "-x &gt; -1" or "2x + 1 &lt; 5": linear in one variable with rational coefficients, solved for it, so that every
    /// spelling of one inequality becomes one interval.
    /// </summary>
    private bool TryLinearInterval(MathNode left, MathNode right, string op, out MathNode interval)
    {
        interval = left;
        var difference = _exact.TryEvaluate(new SumNode([left, new NegateNode(right)]));
        if (difference is null)
        {
            return false;
        }

        string? variable = null;
        var slope = Rational.Zero;
        var constant = Rational.Zero;
        foreach (var (monomial, coefficient) in difference.Terms)
        {
            if (monomial.IsOne)
            {
                constant = coefficient;
            }
            else if (monomial.Radicand.IsOne && monomial.Symbols is [(var name, 1)] && name is not (SymbolNode.Pi or SymbolNode.E or SymbolNode.ImaginaryUnit))
            {
                variable = name;
                slope = coefficient;
            }
            else
            {
                return false;
            }
        }

        if (variable is null || slope.IsZero)
        {
            return false;
        }

        // slope·x + constant op 0, so x op' -constant/slope, with op' the other way round when the slope is negative.
        var bound = new NumberNode(-constant / slope, 0);
        var below = slope.Sign > 0;
        var open = op == "<";
        var infinity = new SymbolNode(SymbolNode.Infinity);
        interval = below
            ? new SequenceNode('(', open ? ')' : ']', [new NegateNode(infinity), bound])
            : new SequenceNode(open ? '(' : '[', ')', [bound, infinity]);
        return true;
    }

    private Judgement Proportional(MathNode a, MathNode b)
    {
        var exactA = _exact.TryEvaluate(a);
        var exactB = _exact.TryEvaluate(b);
        if (exactA is not null && exactB is not null)
        {
            if (exactA.TermCount == 0 || exactB.TermCount == 0)
            {
                return exactA.TermCount == exactB.TermCount ? Judgement.Equal("both identities") : Judgement.NotEqual("different equations");
            }

            var (monomial, coefficient) = exactA.Terms.First();
            var matching = exactB.Terms.FirstOrDefault(t => t.Key.Equals(monomial));
            if (matching.Key is null)
            {
                return Judgement.NotEqual("different equations");
            }

            var ratio = coefficient / matching.Value;
            return exactB.Scale(ratio).ValueEquals(exactA)
                ? Judgement.Equal("equivalent equations")
                : Judgement.NotEqual("different equations");
        }

        var variables = new SortedSet<string>(StringComparer.Ordinal);
        CollectVariables(a, variables);
        CollectVariables(b, variables);
        Complex? firstRatio = null;
        var points = Math.Max(2, _options.NumericSamplePoints);
        for (var p = 0; p < points; p++)
        {
            var binding = Binding(p);
            var va = _numeric.Evaluate(a, binding);
            var vb = _numeric.Evaluate(b, binding);
            if (!IsFinite(va) || !IsFinite(vb) || vb.Magnitude < AbsoluteTolerance)
            {
                continue;
            }

            var ratio = va / vb;
            if (firstRatio is null)
            {
                firstRatio = ratio;
            }
            else if (!Close(ratio, firstRatio.Value))
            {
                return Judgement.NotEqual("different equations (numerically)");
            }
        }

        return firstRatio is null || firstRatio.Value.Magnitude < AbsoluteTolerance
            ? Judgement.Undecidable("cannot evaluate the equations")
            : Judgement.Equal("equivalent equations (numerically)");
    }

    private Judgement Collections(MathNode a, MathNode b)
    {
        if (a is MatrixNode ma && b is MatrixNode mb)
        {
            if (ma.Rows.Count != mb.Rows.Count || ma.Rows[0].Count != mb.Rows[0].Count)
            {
                return Judgement.NotEqual("matrices of different shapes");
            }

            return Ordered(ma.Rows.SelectMany(r => r).ToList(), mb.Rows.SelectMany(r => r).ToList(), "matrix");
        }

        if (a is MatrixNode vectorA && b is SequenceNode { IsSet: false } tupleB && IsVector(vectorA))
        {
            return Ordered(vectorA.Rows.SelectMany(r => r).ToList(), tupleB.Items, "vector");
        }

        if (b is MatrixNode vectorB && a is SequenceNode { IsSet: false } tupleA && IsVector(vectorB))
        {
            return Ordered(tupleA.Items, vectorB.Rows.SelectMany(r => r).ToList(), "vector");
        }

        if (a is MatrixNode || b is MatrixNode)
        {
            return Judgement.NotEqual("a matrix against something else");
        }

        if (a is UnionNode || b is UnionNode)
        {
            var partsA = a is UnionNode ua ? ua.Parts : [a];
            var partsB = b is UnionNode ub ? ub.Parts : [b];
            return Unordered(partsA, partsB, "union");
        }

        if (a is SequenceNode sa && b is SequenceNode sb)
        {
            if (sa.IsUnordered && sb.IsUnordered)
            {
                return Unordered(sa.Items, sb.Items, "set");
            }

            if (sa.IsBare || sb.IsBare)
            {
                // "2, 3" against "(2, 3)": read the bare list in order.
                return Ordered(sa.Items, sb.Items, "list");
            }

            if (sa.IsSet || sb.IsSet)
            {
                return Judgement.NotEqual("a set against a tuple or interval");
            }

            if (sa.Open != sb.Open || sa.Close != sb.Close)
            {
                return Judgement.NotEqual($"brackets differ: {sa.Open}{sa.Close} against {sb.Open}{sb.Close}");
            }

            return Ordered(sa.Items, sb.Items, "tuple");
        }

        var count = a is SequenceNode la ? la.Items.Count : ((SequenceNode)b).Items.Count;
        return Judgement.NotEqual($"a list of {count} against a single value");
    }

    private static bool IsVector(MatrixNode matrix) => matrix.Rows.Count == 1 || matrix.Rows.All(r => r.Count == 1);

    private Judgement Ordered(IReadOnlyList<MathNode> a, IReadOnlyList<MathNode> b, string what)
    {
        if (a.Count != b.Count)
        {
            return Judgement.NotEqual($"{what} of {a.Count} against {what} of {b.Count}");
        }

        for (var k = 0; k < a.Count; k++)
        {
            var judgement = Nodes(a[k], b[k]);
            if (judgement.Outcome != Outcome.Equal)
            {
                return judgement with { Reason = $"{what} element {k + 1}: {judgement.Reason}" };
            }
        }

        return Judgement.Equal($"equal {what}s");
    }

    /// <summary>Set equality: every element of each side equals some element of the other.</summary>
    private Judgement Unordered(IReadOnlyList<MathNode> a, IReadOnlyList<MathNode> b, string what)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return a.Count == b.Count ? Judgement.Equal($"empty {what}s") : Judgement.NotEqual($"an empty {what} against a non-empty one");
        }

        var matchedB = new bool[b.Count];
        string? undecided = null;
        for (var i = 0; i < a.Count; i++)
        {
            var found = false;
            for (var j = 0; j < b.Count; j++)
            {
                var judgement = Nodes(a[i], b[j]);
                if (judgement.Outcome == Outcome.Equal)
                {
                    found = true;
                    matchedB[j] = true;
                }
                else if (judgement.Outcome == Outcome.Undecidable)
                {
                    undecided ??= judgement.Reason;
                }
            }

            if (!found)
            {
                return undecided is null
                    ? Judgement.NotEqual($"{what} element {i + 1} of the prediction is not in the gold")
                    : Judgement.Undecidable(undecided);
            }
        }

        for (var j = 0; j < b.Count; j++)
        {
            if (!matchedB[j] && !a.Any(x => Nodes(x, b[j]).Outcome == Outcome.Equal))
            {
                return Judgement.NotEqual($"{what} element {j + 1} of the gold is missing from the prediction");
            }
        }

        return Judgement.Equal($"equal {what}s");
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

    /// <summary>Drops factors that appear on both sides, structurally identical and not zero, so that what differs is compared alone.</summary>
    private bool TryCancelCommonFactors(MathNode a, MathNode b, out MathNode restA, out MathNode restB)
    {
        restA = a;
        restB = b;
        if (a is not ProductNode && b is not ProductNode)
        {
            return false;
        }

        var factorsA = new List<MathNode>();
        var factorsB = new List<MathNode>();
        Flatten(a, factorsA, 0);
        Flatten(b, factorsB, 0);
        var cancelled = false;
        for (var i = factorsA.Count - 1; i >= 0; i--)
        {
            var j = factorsB.FindIndex(f => StructuralEquality.Equal(f, factorsA[i]));
            if (j < 0 || !IsNonZero(factorsA[i]))
            {
                continue;
            }

            factorsA.RemoveAt(i);
            factorsB.RemoveAt(j);
            cancelled = true;
        }

        if (!cancelled)
        {
            return false;
        }

        restA = Product(factorsA);
        restB = Product(factorsB);
        return true;
    }

    /// <summary>Drops terms that appear in both sums, structurally identical, and pairs x, -x within one side.</summary>
    private static bool TryCancelCommonTerms(MathNode a, MathNode b, out MathNode restA, out MathNode restB)
    {
        restA = a;
        restB = b;
        if (a is not SumNode && b is not SumNode)
        {
            return false;
        }

        var termsA = new List<MathNode>();
        var termsB = new List<MathNode>();
        FlattenSum(a, termsA, 0);
        FlattenSum(b, termsB, 0);
        var cancelled = CancelOpposites(termsA) | CancelOpposites(termsB);
        for (var i = termsA.Count - 1; i >= 0; i--)
        {
            var j = termsB.FindIndex(t => StructuralEquality.Equal(t, termsA[i]));
            if (j >= 0)
            {
                termsA.RemoveAt(i);
                termsB.RemoveAt(j);
                cancelled = true;
            }
        }

        if (!cancelled)
        {
            return false;
        }

        restA = Sum(termsA);
        restB = Sum(termsB);
        return true;
    }

    private static bool CancelOpposites(List<MathNode> terms)
    {
        var cancelled = false;
        for (var i = terms.Count - 1; i >= 0; i--)
        {
            if (i >= terms.Count || terms[i] is not NegateNode negated)
            {
                continue;
            }

            var j = terms.FindIndex(t => StructuralEquality.Equal(t, negated.Operand));
            if (j >= 0)
            {
                terms.RemoveAt(Math.Max(i, j));
                terms.RemoveAt(Math.Min(i, j));
                cancelled = true;
            }
        }

        return cancelled;
    }

    private static void FlattenSum(MathNode node, List<MathNode> terms, int depth)
    {
        if (node is SumNode sum && depth < 64)
        {
            foreach (var term in sum.Terms)
            {
                FlattenSum(term, terms, depth + 1);
            }
        }
        else
        {
            terms.Add(node);
        }
    }

    private static MathNode Sum(List<MathNode> terms) => terms.Count switch
    {
        0 => new NumberNode(Rational.Zero, 0),
        1 => terms[0],
        _ => new SumNode(terms),
    };

    private static void Flatten(MathNode node, List<MathNode> factors, int depth)
    {
        if (node is ProductNode product && depth < 64)
        {
            foreach (var factor in product.Factors)
            {
                Flatten(factor, factors, depth + 1);
            }
        }
        else
        {
            factors.Add(node);
        }
    }

    private static MathNode Product(List<MathNode> factors) => factors.Count switch
    {
        0 => new NumberNode(Rational.One, 0),
        1 => factors[0],
        _ => new ProductNode(factors),
    };

    /// <summary>Non-zero at the first sample point, beyond its rounding error: not identically zero.</summary>
    private bool IsNonZero(MathNode factor)
    {
        var value = _numeric.EvaluateWithError(factor, Binding(0));
        return value.IsFinite && value.Value.Magnitude > ErrorBoundSafety * value.Error;
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

    /// <summary>A decimal prediction such as 3.14 against a gold that rounds to it at two decimals.</summary>
    private Judgement? RoundsTo(MathNode prediction, MathNode gold)
    {
        var decimals = prediction switch
        {
            NumberNode number => number.DecimalPlaces,
            NegateNode { Operand: NumberNode number } => number.DecimalPlaces,
            _ => 0,
        };
        if (decimals <= 0)
        {
            return null;
        }

        var variables = new SortedSet<string>(StringComparer.Ordinal);
        CollectVariables(gold, variables);
        if (variables.Count > 0)
        {
            return null;
        }

        var p = _numeric.Evaluate(prediction, _ => double.NaN);
        var g = _numeric.Evaluate(gold, _ => double.NaN);
        if (!IsFinite(p) || !IsFinite(g) || g.Imaginary != 0)
        {
            return null;
        }

        var halfUnit = 0.5 * Math.Pow(10, -decimals);
        return Math.Abs(p.Real - g.Real) <= halfUnit * (1 + 1e-9) + 1e-15
            ? Judgement.Equal($"the gold rounds to the prediction at {decimals} decimals")
            : null;
    }

    private Judgement Numeric(MathNode a, MathNode b)
    {
        var variables = new SortedSet<string>(StringComparer.Ordinal);
        CollectVariables(a, variables);
        CollectVariables(b, variables);
        // The relative tolerance is for a decimal that approximates an irrational value; between exactly written values
        // only double rounding may be forgiven, or an exact value would equal a different exact value.
        var approximate = ContainsDecimal(a) || ContainsDecimal(b);
        var points = variables.Count == 0 ? 1 : _options.NumericSamplePoints;
        var judgement = NumericAtPoints(a, b, points, approximate, variables.Count, complexPoints: false);
        if (judgement.Outcome == Outcome.Undecidable && variables.Count > 0 && judgement.Reason == NoFinitePoint)
        {
            // Undefined at every real point (√(-1-x²), ln(-x²)): compare where it is defined, at complex points.
            judgement = NumericAtPoints(a, b, points, approximate, variables.Count, complexPoints: true);
        }

        return judgement;
    }

    private const string NoFinitePoint = "cannot evaluate to finite numbers";

    private Judgement NumericAtPoints(MathNode a, MathNode b, int points, bool approximate, int variableCount, bool complexPoints)
    {
        var valid = 0;
        var imprecise = 0;
        Complex lastA = default;
        for (var p = 0; p < points; p++)
        {
            var binding = Binding(p, complexPoints);
            var va = _numeric.EvaluateWithError(a, binding);
            var vb = _numeric.EvaluateWithError(b, binding);
            if (!va.IsFinite || !vb.IsFinite)
            {
                if (IsOverflow(va.Value) != IsOverflow(vb.Value) && !IsNaN(va.Value) && !IsNaN(vb.Value))
                {
                    return Judgement.NotEqual($"values differ: {Format(va.Value)} against {Format(vb.Value)}");
                }

                continue;
            }

            valid++;
            lastA = va.Value;
            switch (CompareValues(va, vb, approximate))
            {
                case Outcome.NotEqual:
                    if (_options.AcceptRoundedDecimals && RoundsTo(a, b) is { } rounded)
                    {
                        return rounded;
                    }

                    return Judgement.NotEqual($"values differ: {Format(va.Value)} against {Format(vb.Value)}");
                case Outcome.Undecidable:
                    imprecise++;
                    break;
            }
        }

        if (valid == 0)
        {
            return Judgement.Undecidable(NoFinitePoint);
        }

        if (imprecise > 0)
        {
            return Judgement.Undecidable($"too close to tell apart in double precision: {Format(lastA)}");
        }

        return Judgement.Equal(variableCount == 0
            ? $"numerically equal: {Format(lastA)}"
            : $"numerically equal at {valid} {(complexPoints ? "complex" : "random")} points");
    }

    /// <summary>Error bounds wider than this, relative to the values, cannot support an Equal.</summary>
    private const double PreciseRelative = 1e-10;

    private const double ErrorBoundSafety = 8;

    /// <summary>
    /// Equal when the values agree within their error bounds and those bounds are tight; NotEqual when they differ by
    /// more than the bounds (unless a decimal approximation is within the relative tolerance); otherwise Undecidable.
    /// </summary>
    private Outcome CompareValues(Approximation a, Approximation b, bool approximate)
    {
        var difference = (a.Value - b.Value).Magnitude;
        var scale = Math.Max(a.Value.Magnitude, b.Value.Magnitude);
        var bound = ErrorBoundSafety * (a.Error + b.Error);
        var withinTolerance = approximate && difference <= _options.RelativeTolerance * scale;
        if (difference <= bound)
        {
            if (bound <= Math.Max(AbsoluteTolerance, PreciseRelative * scale))
            {
                return Outcome.Equal;
            }

            return withinTolerance && bound <= _options.RelativeTolerance * scale ? Outcome.Equal : Outcome.Undecidable;
        }

        return withinTolerance ? Outcome.Equal : Outcome.NotEqual;
    }

    private static bool ContainsDecimal(MathNode node) => node switch
    {
        NumberNode number => number.DecimalPlaces > 0,
        SumNode sum => sum.Terms.Any(ContainsDecimal),
        ProductNode product => product.Factors.Any(ContainsDecimal),
        NegateNode negate => ContainsDecimal(negate.Operand),
        DivideNode divide => ContainsDecimal(divide.Numerator) || ContainsDecimal(divide.Denominator),
        PowerNode power => ContainsDecimal(power.Base) || ContainsDecimal(power.Exponent),
        RootNode root => ContainsDecimal(root.Radicand),
        FunctionNode function => function.Arguments.Any(ContainsDecimal),
        PercentNode percent => ContainsDecimal(percent.Operand),
        DegreesNode degrees => ContainsDecimal(degrees.Operand),
        UnitNode unit => ContainsDecimal(unit.Operand),
        SumOverNode sumOver => ContainsDecimal(sumOver.Body) || ContainsDecimal(sumOver.Lower) || ContainsDecimal(sumOver.Upper),
        _ => false,
    };

    private Func<string, Complex> Binding(int point) => Binding(point, complexPoints: false);

    /// <summary>
    /// A deterministic point per (seed, variable, point), with no shared Random so that threads agree: magnitudes in
    /// [0.5, 2.5), negative at odd points so that |x| and x, or ln(x²) and 2 ln x, differ; complex on request.
    /// </summary>
    private Func<string, Complex> Binding(int point, bool complexPoints) => name =>
    {
        var hash = 2166136261u ^ (uint)_options.RandomSeed;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ (uint)point) * 16777619u;
        hash ^= hash >> 15;
        hash *= 2246822519u;
        hash ^= hash >> 13;
        var magnitude = 0.5 + 2.0 * (hash / 4294967296.0);
        if (complexPoints)
        {
            var angle = (0.15 + 0.7 * ((hash * 2654435761u) / 4294967296.0)) * Math.PI;
            return Complex.FromPolarCoordinates(magnitude, point % 2 == 1 ? -angle : angle);
        }

        return point % 2 == 1 ? -magnitude : magnitude;
    };

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

    private static bool IsOverflow(Complex value) => double.IsInfinity(value.Real) || double.IsInfinity(value.Imaginary);

    private static bool IsNaN(Complex value) => double.IsNaN(value.Real) || double.IsNaN(value.Imaginary);

    private static bool IsFinite(Complex value) => double.IsFinite(value.Real) && double.IsFinite(value.Imaginary);

    private bool Close(Complex a, Complex b)
    {
        var difference = (a - b).Magnitude;
        var scale = Math.Max(a.Magnitude, b.Magnitude);
        return difference <= _options.RelativeTolerance * scale || difference <= AbsoluteTolerance;
    }

    private static string Format(Complex value) =>
        value.Imaginary == 0
            ? value.Real.ToString("G10", CultureInfo.InvariantCulture)
            : $"{value.Real.ToString("G10", CultureInfo.InvariantCulture)}{(value.Imaginary < 0 ? "-" : "+")}{Math.Abs(value.Imaginary).ToString("G10", CultureInfo.InvariantCulture)}i";

    private static string Truncate(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";
}
