using System.Numerics;

namespace BestOfN.Verifier.Grading;

/// <summary>Evaluates an expression in complex double precision, with variables bound by the caller.</summary>
internal sealed class NumericEvaluator(GraderOptions options, GradingBudget budget)
{
    public static Complex? Constant(string name) => name switch
    {
        SymbolNode.Pi => Math.PI,
        SymbolNode.E => Math.E,
        SymbolNode.ImaginaryUnit => Complex.ImaginaryOne,
        SymbolNode.Infinity => double.PositiveInfinity,
        _ => null,
    };

    /// <summary>The value, or NaN when the expression is not a number (a list, text, an undefined function value).</summary>
    public Complex Evaluate(MathNode node, Func<string, Complex> variable) => Evaluate(node, variable, 0);

    private Complex Evaluate(MathNode node, Func<string, Complex> variable, int depth)
    {
        budget.Tick();
        if (depth > options.MaxNestingDepth * 4)
        {
            return double.NaN;
        }

        depth++;
        switch (node)
        {
            case NumberNode number:
                return number.Value.ToDouble();
            case SymbolNode symbol:
                return Constant(symbol.Name) ?? variable(symbol.Name);
            case SumNode sum:
            {
                var total = Complex.Zero;
                foreach (var term in sum.Terms)
                {
                    total += Evaluate(term, variable, depth);
                }

                return total;
            }

            case NegateNode negate:
                return -Evaluate(negate.Operand, variable, depth);
            case ProductNode product:
            {
                var total = Complex.One;
                foreach (var factor in product.Factors)
                {
                    total *= Evaluate(factor, variable, depth);
                }

                return total;
            }

            case DivideNode divide:
            {
                var denominator = Evaluate(divide.Denominator, variable, depth);
                return denominator == Complex.Zero ? double.NaN : Evaluate(divide.Numerator, variable, depth) / denominator;
            }

            case PowerNode power:
                return Pow(Evaluate(power.Base, variable, depth), Evaluate(power.Exponent, variable, depth));
            case RootNode root:
            {
                var radicand = Evaluate(root.Radicand, variable, depth);
                if (radicand.Imaginary == 0 && radicand.Real < 0 && root.Degree % 2 == 1)
                {
                    return -Math.Pow(-radicand.Real, 1.0 / root.Degree);
                }

                return Pow(radicand, 1.0 / root.Degree);
            }

            case FunctionNode function:
                return EvaluateFunction(function, variable, depth);
            case PercentNode percent:
                return Evaluate(percent.Operand, variable, depth);
            case DegreesNode degrees:
                return Evaluate(degrees.Operand, variable, depth);
            case UnitNode unit:
                return Evaluate(unit.Operand, variable, depth);
            default:
                return double.NaN;
        }
    }

    private static Complex Pow(Complex b, Complex e)
    {
        if (b == Complex.Zero && e == Complex.Zero)
        {
            return double.NaN;
        }

        if (b.Imaginary == 0 && e.Imaginary == 0 && (b.Real >= 0 || Math.Round(e.Real) == e.Real))
        {
            return Math.Pow(b.Real, e.Real);
        }

        if (b == Complex.Zero)
        {
            return e.Real > 0 ? Complex.Zero : double.NaN;
        }

        return Complex.Pow(b, e);
    }

    private Complex EvaluateFunction(FunctionNode function, Func<string, Complex> variable, int depth)
    {
        var x = Evaluate(function.Arguments[0], variable, depth);
        switch (function.Name)
        {
            case "sin": return Complex.Sin(x);
            case "cos": return Complex.Cos(x);
            case "tan": return Complex.Tan(x);
            case "cot": return Complex.One / Complex.Tan(x);
            case "sec": return Complex.One / Complex.Cos(x);
            case "csc": return Complex.One / Complex.Sin(x);
            case "arcsin": return Complex.Asin(x);
            case "arccos": return Complex.Acos(x);
            case "arctan": return Complex.Atan(x);
            case "sinh": return Complex.Sinh(x);
            case "cosh": return Complex.Cosh(x);
            case "tanh": return Complex.Tanh(x);
            case "exp": return Complex.Exp(x);
            case "abs": return Complex.Abs(x);
            case "ln": return Complex.Log(x);
            case "log":
                return function.Arguments.Count == 2
                    ? Complex.Log(x) / Complex.Log(Evaluate(function.Arguments[1], variable, depth))
                    : Complex.Log(x);
            case "floor": return x.Imaginary == 0 ? Math.Floor(x.Real) : double.NaN;
            case "ceil": return x.Imaginary == 0 ? Math.Ceiling(x.Real) : double.NaN;
            case "factorial":
                return x.Imaginary == 0 && x.Real >= 0 && x.Real == Math.Floor(x.Real) ? Factorial(x.Real) : double.NaN;
            case "binom":
            {
                var k = Evaluate(function.Arguments[1], variable, depth);
                if (x.Imaginary != 0 || k.Imaginary != 0 || k.Real < 0 || k.Real > x.Real || k.Real != Math.Floor(k.Real))
                {
                    return double.NaN;
                }

                var result = 1.0;
                for (var j = 1; j <= (int)Math.Min(k.Real, 1000); j++)
                {
                    result = result * (x.Real - k.Real + j) / j;
                }

                return result;
            }

            default:
                return double.NaN;
        }
    }

    private static double Factorial(double n)
    {
        if (n > 170)
        {
            return double.PositiveInfinity;
        }

        var result = 1.0;
        for (var k = 2; k <= n; k++)
        {
            result *= k;
        }

        return result;
    }
}
