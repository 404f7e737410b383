using System.Numerics;

namespace BestOfN.Verifier.Grading;

// Relations: the value a relation states, equations, inequalities as intervals.
internal sealed partial class EquivalenceChecker
{
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
}
