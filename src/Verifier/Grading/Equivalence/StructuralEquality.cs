namespace BestOfN.Verifier.Grading;

/// <summary>Whether two parsed trees are the same expression, node for node (records compare lists by reference).</summary>
internal static class StructuralEquality
{
    public static bool Equal(MathNode a, MathNode b, int depth = 0)
    {
        if (depth > 256)
        {
            return false;
        }

        depth++;
        return (a, b) switch
        {
            (NumberNode x, NumberNode y) => x.Value == y.Value,
            (SymbolNode x, SymbolNode y) => x.Name == y.Name,
            (SumNode x, SumNode y) => All(x.Terms, y.Terms, depth),
            (ProductNode x, ProductNode y) => All(x.Factors, y.Factors, depth),
            (NegateNode x, NegateNode y) => Equal(x.Operand, y.Operand, depth),
            (DivideNode x, DivideNode y) => Equal(x.Numerator, y.Numerator, depth) && Equal(x.Denominator, y.Denominator, depth),
            (PowerNode x, PowerNode y) => Equal(x.Base, y.Base, depth) && Equal(x.Exponent, y.Exponent, depth),
            (RootNode x, RootNode y) => x.Degree == y.Degree && Equal(x.Radicand, y.Radicand, depth),
            (FunctionNode x, FunctionNode y) => x.Name == y.Name && All(x.Arguments, y.Arguments, depth),
            (PercentNode x, PercentNode y) => Equal(x.Operand, y.Operand, depth),
            (DegreesNode x, DegreesNode y) => Equal(x.Operand, y.Operand, depth),
            (SumOverNode x, SumOverNode y) => x.Variable == y.Variable && x.IsProduct == y.IsProduct && Equal(x.Body, y.Body, depth)
                && Equal(x.Lower, y.Lower, depth) && Equal(x.Upper, y.Upper, depth),
            (SequenceNode x, SequenceNode y) => x.Open == y.Open && x.Close == y.Close && All(x.Items, y.Items, depth),
            _ => false,
        };
    }

    private static bool All(IReadOnlyList<MathNode> a, IReadOnlyList<MathNode> b, int depth)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var k = 0; k < a.Count; k++)
        {
            if (!Equal(a[k], b[k], depth))
            {
                return false;
            }
        }

        return true;
    }
}
