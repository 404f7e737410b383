namespace BestOfN.Verifier.Grading;

// Cancelling what both sides share, so that a tiny difference is compared exactly.
internal sealed partial class EquivalenceChecker
{
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
            _budget.Tick();
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
    private bool TryCancelCommonTerms(MathNode a, MathNode b, out MathNode restA, out MathNode restB)
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
            _budget.Tick();
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
}
