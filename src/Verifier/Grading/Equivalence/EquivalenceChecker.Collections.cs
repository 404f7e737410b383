namespace BestOfN.Verifier.Grading;

// Collections: tuples, lists, sets, intervals, unions and matrices.
internal sealed partial class EquivalenceChecker
{
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
}
