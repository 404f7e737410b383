namespace BestOfN.Verifier.Grading;

/// <summary>A parsed answer. The tree is only ever walked, never executed.</summary>
internal abstract record MathNode;

/// <summary>A numeric literal. <paramref name="DecimalPlaces"/> is the number of digits written after the point (0 for integers).</summary>
internal sealed record NumberNode(Rational Value, int DecimalPlaces) : MathNode;

/// <summary>A variable or a constant: "pi", "e", "i" and "infty" are constants, anything else is a variable.</summary>
internal sealed record SymbolNode(string Name) : MathNode
{
    public const string Pi = "pi";
    public const string E = "e";
    public const string ImaginaryUnit = "i";
    public const string Infinity = "infty";

    public bool IsConstant => Name is Pi or E or ImaginaryUnit or Infinity;
}

internal sealed record SumNode(IReadOnlyList<MathNode> Terms) : MathNode;

internal sealed record NegateNode(MathNode Operand) : MathNode;

internal sealed record ProductNode(IReadOnlyList<MathNode> Factors) : MathNode;

internal sealed record DivideNode(MathNode Numerator, MathNode Denominator) : MathNode;

internal sealed record PowerNode(MathNode Base, MathNode Exponent) : MathNode;

/// <summary>The principal real n-th root for odd n of a negative real, as \sqrt[3]{-8} = -2 is meant.</summary>
internal sealed record RootNode(MathNode Radicand, int Degree) : MathNode;

/// <summary>A named function: sin, cos, tan, cot, sec, csc, arcsin, arccos, arctan, sinh, cosh, tanh, ln, log, exp, abs, floor, ceil, binom, factorial.</summary>
internal sealed record FunctionNode(string Name, IReadOnlyList<MathNode> Arguments) : MathNode;

/// <summary><c>Left ± Right</c>; a unary ± has no left side.</summary>
internal sealed record PlusMinusNode(MathNode? Left, MathNode Right, bool MinusFirst) : MathNode;

internal sealed record PercentNode(MathNode Operand) : MathNode;

internal sealed record DegreesNode(MathNode Operand) : MathNode;

/// <summary>A value followed by a unit, kept only when units are not stripped.</summary>
internal sealed record UnitNode(MathNode Operand, string Unit) : MathNode;

/// <summary>
/// A list. Open and Close are the bracket characters: '(' ')' tuples and open intervals, '[' ']' closed intervals,
/// mixed brackets half-open intervals, '{' '}' sets, and '\0' for a bare comma list such as "2, 3".
/// </summary>
internal sealed record SequenceNode(char Open, char Close, IReadOnlyList<MathNode> Items) : MathNode
{
    public bool IsBare => Open == '\0';

    public bool IsSet => Open == '{';

    public bool IsUnordered => IsBare || IsSet;
}

internal sealed record UnionNode(IReadOnlyList<MathNode> Parts) : MathNode;

internal sealed record MatrixNode(IReadOnlyList<IReadOnlyList<MathNode>> Rows) : MathNode;

/// <summary>A chain of relations: Operands[0] Operators[0] Operands[1] ...; operators are =, &lt;, &lt;=, &gt;, &gt;=, != and "in".</summary>
internal sealed record RelationNode(IReadOnlyList<MathNode> Operands, IReadOnlyList<string> Operators) : MathNode;

/// <summary>A plain-text answer, lower-cased and with whitespace collapsed.</summary>
internal sealed record TextNode(string Text) : MathNode;

/// <summary>A multiple-choice letter such as (B).</summary>
internal sealed record ChoiceNode(char Letter) : MathNode;

/// <summary>A clock time h:mm (with am/pm folded into a 24-hour hour), not the ratio h/mm.</summary>
internal sealed record ClockTimeNode(int Hours, int Minutes) : MathNode
{
    public override string ToString() => $"{Hours}:{Minutes:D2}";
}

/// <summary><c>\sum_{k=lo}^{hi} body</c> (or <c>\prod</c>): the variable is bound inside the body only.</summary>
internal sealed record SumOverNode(MathNode Body, string Variable, MathNode Lower, MathNode Upper, bool IsProduct) : MathNode;
