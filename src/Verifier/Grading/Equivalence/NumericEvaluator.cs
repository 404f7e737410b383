using System.Numerics;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// A complex double value with a bound on its absolute rounding error, carried through every operation (first-order
/// propagation plus one rounding per step). Two values that agree within their bounds cannot be told apart in double
/// precision; the bound says whether that agreement means anything.
/// </summary>
internal readonly record struct Approximation(Complex Value, double Error)
{
    /// <summary>Relative rounding of one double operation, with a margin for the library functions.</summary>
    public const double Epsilon = 4.5e-16;

    public static Approximation NaN => new(double.NaN, double.PositiveInfinity);

    public static Approximation Exact(Complex value) => new(value, Epsilon * value.Magnitude);

    public bool IsFinite => double.IsFinite(Value.Real) && double.IsFinite(Value.Imaginary);
}

/// <summary>Evaluates an expression in complex double precision with an error bound, with variables bound by the caller.</summary>
internal sealed class NumericEvaluator(GraderOptions options, GradingBudget budget)
{
    private const double Epsilon = Approximation.Epsilon;

    public static Complex? Constant(string name) => name switch
    {
        SymbolNode.Pi => Math.PI,
        SymbolNode.E => Math.E,
        SymbolNode.ImaginaryUnit => Complex.ImaginaryOne,
        SymbolNode.Infinity => double.PositiveInfinity,
        _ => null,
    };

    /// <summary>The value, or NaN when the expression is not a number (a list, text, an undefined function value).</summary>
    public Complex Evaluate(MathNode node, Func<string, Complex> variable) => Evaluate(node, variable, 0, inAngle: false).Value;

    /// <summary>The value with its error bound; the bound is infinite when a literal does not fit a double.</summary>
    public Approximation EvaluateWithError(MathNode node, Func<string, Complex> variable) => Evaluate(node, variable, 0, inAngle: false);

    /// <param name="inAngle">Inside the argument of a trigonometric function, where <c>90^\circ</c> means π/2.</param>
    private Approximation Evaluate(MathNode node, Func<string, Complex> variable, int depth, bool inAngle)
    {
        budget.Tick();
        if (depth > options.MaxNestingDepth * 4)
        {
            return Approximation.NaN;
        }

        depth++;
        switch (node)
        {
            case NumberNode number:
                return Literal(number.Value);
            case SymbolNode symbol:
                // A variable's value is the sample point itself, with no error; a constant is rounded.
                return Constant(symbol.Name) is { } constant ? Approximation.Exact(constant) : new(variable(symbol.Name), 0);
            case SumNode sum:
                {
                    var total = Complex.Zero;
                    var error = 0.0;
                    foreach (var term in sum.Terms)
                    {
                        var value = Evaluate(term, variable, depth, inAngle);
                        total += value.Value;
                        error += value.Error;
                    }

                    return new(total, error + Epsilon * total.Magnitude);
                }

            case NegateNode negate:
                {
                    var operand = Evaluate(negate.Operand, variable, depth, inAngle);
                    return new(-operand.Value, operand.Error);
                }

            case ProductNode product:
                {
                    var factors = new Approximation[product.Factors.Count];
                    var total = Complex.One;
                    for (var k = 0; k < factors.Length; k++)
                    {
                        factors[k] = Evaluate(product.Factors[k], variable, depth, inAngle);
                        total *= factors[k].Value;
                    }

                    // Σ err_k · Π_{j≠k} |v_j|, with suffix products so that an exact zero factor is handled too.
                    var suffix = new double[factors.Length + 1];
                    suffix[factors.Length] = 1;
                    for (var k = factors.Length - 1; k >= 0; k--)
                    {
                        suffix[k] = suffix[k + 1] * factors[k].Value.Magnitude;
                    }

                    var prefix = 1.0;
                    var error = 0.0;
                    for (var k = 0; k < factors.Length; k++)
                    {
                        error += factors[k].Error * prefix * suffix[k + 1];
                        prefix *= factors[k].Value.Magnitude;
                    }

                    return new(total, error + Epsilon * factors.Length * total.Magnitude);
                }

            case DivideNode divide:
                {
                    var denominator = Evaluate(divide.Denominator, variable, depth, inAngle);
                    if (denominator.Value == Complex.Zero)
                    {
                        return Approximation.NaN;
                    }

                    var numerator = Evaluate(divide.Numerator, variable, depth, inAngle);
                    var quotient = numerator.Value / denominator.Value;
                    var denominatorMagnitude = denominator.Value.Magnitude;
                    var error = (numerator.Error + quotient.Magnitude * denominator.Error) / denominatorMagnitude + Epsilon * quotient.Magnitude;
                    return new(quotient, denominator.Error >= denominatorMagnitude ? double.PositiveInfinity : error);
                }

            case PowerNode power:
                {
                    var baseValue = Evaluate(power.Base, variable, depth, false);
                    var exponent = Evaluate(power.Exponent, variable, depth, false);
                    return NearOnePower(power, baseValue, exponent) ?? Pow(baseValue, exponent);
                }

            case RootNode root:
                {
                    var radicand = Evaluate(root.Radicand, variable, depth, false);
                    Complex value;
                    if (radicand.Value.Imaginary == 0 && radicand.Value.Real < 0 && root.Degree % 2 == 1)
                    {
                        value = -Math.Pow(-radicand.Value.Real, 1.0 / root.Degree);
                    }
                    else
                    {
                        value = Pow(radicand.Value, 1.0 / root.Degree);
                    }

                    // d(x^(1/n)) = x^(1/n - 1)/n dx: relative error divides by n.
                    var magnitude = radicand.Value.Magnitude;
                    var relative = magnitude == 0 ? 0 : radicand.Error / magnitude / root.Degree;
                    var error = magnitude == 0 ? Math.Pow(radicand.Error, 1.0 / root.Degree) : (relative + Epsilon) * value.Magnitude;
                    return new(value, error);
                }

            case FunctionNode function:
                return EvaluateFunction(function, variable, depth);
            case SumOverNode sumOver:
                return EvaluateSumOver(sumOver, variable, depth, inAngle);
            case PercentNode percent:
                return Evaluate(percent.Operand, variable, depth, inAngle);
            case DegreesNode degrees:
                {
                    var operand = Evaluate(degrees.Operand, variable, depth, inAngle);
                    return inAngle ? new(operand.Value * (Math.PI / 180), operand.Error * (Math.PI / 180) + Epsilon * operand.Value.Magnitude) : operand;
                }

            case UnitNode unit:
                return Evaluate(unit.Operand, variable, depth, inAngle);
            default:
                return Approximation.NaN;
        }
    }

    private const int MaxSumTerms = 10_000;

    private Approximation EvaluateSumOver(SumOverNode sum, Func<string, Complex> variable, int depth, bool inAngle)
    {
        var lower = Evaluate(sum.Lower, variable, depth, false).Value;
        var upper = Evaluate(sum.Upper, variable, depth, false).Value;
        if (lower.Imaginary != 0 || upper.Imaginary != 0 || lower.Real != Math.Round(lower.Real) || upper.Real != Math.Round(upper.Real)
            || upper.Real - lower.Real > MaxSumTerms)
        {
            return Approximation.NaN;
        }

        var total = sum.IsProduct ? Complex.One : Complex.Zero;
        var error = 0.0;
        for (var k = lower.Real; k <= upper.Real; k++)
        {
            var index = k;
            var term = Evaluate(sum.Body, name => name == sum.Variable ? index : variable(name), depth, inAngle);
            if (sum.IsProduct)
            {
                var magnitude = total.Magnitude;
                total *= term.Value;
                error = error * term.Value.Magnitude + term.Error * magnitude + Epsilon * total.Magnitude;
            }
            else
            {
                total += term.Value;
                error += term.Error + Epsilon * total.Magnitude;
            }
        }

        return new(total, error);
    }

    /// <summary>A literal rounded to double: exact for small integers; one that underflows to zero or overflows has an unbounded error.</summary>
    private static Approximation Literal(Rational value)
    {
        var d = value.ToDouble();
        if (value.IsInteger && Math.Abs(d) < 9007199254740992.0)
        {
            return new(d, 0);
        }

        var lost = (!value.IsZero && (d == 0 || !double.IsNormal(d))) || !double.IsFinite(d);
        return new(d, lost ? double.PositiveInfinity : Epsilon * Math.Abs(d));
    }

    /// <summary>
    /// (1 + δ)^e with a tiny exact δ and a huge e, as in (1+10^-100)^(10^100): double rounds the base to 1, so the power
    /// is taken as exp(e·ln(1+δ)) with ln(1+δ) from the exact δ. Null when the base is not such a rational.
    /// </summary>
    private Approximation? NearOnePower(PowerNode power, Approximation baseValue, Approximation exponent)
    {
        if (baseValue.Value != Complex.One || exponent.Value.Imaginary != 0 || Math.Abs(exponent.Value.Real) < 1e6
            || new ExactEvaluator(options, budget).TryEvaluate(power.Base) is not { } exactBase || !exactBase.TryGetRational(out var b))
        {
            return null;
        }

        var delta = (b - Rational.One).ToDouble();
        if (delta == 0 || !double.IsFinite(delta) || Math.Abs(delta) > 1e-8)
        {
            return null;
        }

        // ln(1+δ) = δ - δ²/2 + δ³/3 - …, exact to double precision for |δ| ≤ 1e-8 with three terms.
        var log = delta - delta * delta / 2 + delta * delta * delta / 3;
        var product = exponent.Value.Real * log;
        var value = Math.Exp(product);
        var error = value * (Math.Abs(product) * 4 * Epsilon + Math.Abs(log) * exponent.Error + Epsilon);
        return new Approximation(value, error);
    }

    private static Approximation Pow(Approximation b, Approximation e)
    {
        var value = Pow(b.Value, e.Value);
        var magnitude = b.Value.Magnitude;
        if (magnitude == 0)
        {
            return new(value, b.Error == 0 ? Epsilon * value.Magnitude : double.PositiveInfinity);
        }

        // d(b^e) = b^e (e db/b + ln b de); a complex power is exp(e ln b), which rounds e ln b first.
        var logMagnitude = Complex.Log(b.Value).Magnitude;
        var rounding = b.Value.Imaginary == 0 && e.Value.Imaginary == 0 && (b.Value.Real >= 0 || Math.Round(e.Value.Real) == e.Value.Real)
            ? Epsilon
            : Epsilon * (1 + e.Value.Magnitude * logMagnitude);
        var relative = e.Value.Magnitude * b.Error / magnitude + logMagnitude * e.Error + rounding;
        return new(value, relative * value.Magnitude);
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

    private static bool IsTrigonometric(string name) => name is "sin" or "cos" or "tan" or "cot" or "sec" or "csc";

    private Approximation EvaluateFunction(FunctionNode function, Func<string, Complex> variable, int depth)
    {
        var argument = Evaluate(function.Arguments[0], variable, depth, IsTrigonometric(function.Name));
        var x = argument.Value;
        if (x.Imaginary == 0 && function.Arguments.Count == 1 && RealFunction(function.Name, x.Real) is { } real)
        {
            var (realValue, realSlope) = real;
            var realPropagated = argument.Error == 0 ? 0 : realSlope * argument.Error;
            return new(realValue, (double.IsNaN(realPropagated) ? double.PositiveInfinity : realPropagated) + Epsilon * Math.Abs(realValue));
        }

        Complex value;
        // |f'(x)|, the factor by which the argument's error grows.
        double slope;
        switch (function.Name)
        {
            case "sin":
                value = Complex.Sin(x);
                slope = Complex.Cos(x).Magnitude;
                break;
            case "cos":
                value = Complex.Cos(x);
                slope = Complex.Sin(x).Magnitude;
                break;
            case "tan":
                value = Complex.Tan(x);
                slope = (Complex.One + value * value).Magnitude;
                break;
            case "cot":
                value = Complex.One / Complex.Tan(x);
                slope = (Complex.One + value * value).Magnitude;
                break;
            case "sec":
                value = Complex.One / Complex.Cos(x);
                slope = (value * Complex.Tan(x)).Magnitude;
                break;
            case "csc":
                value = Complex.One / Complex.Sin(x);
                slope = (value / Complex.Tan(x)).Magnitude;
                break;
            case "arcsin":
                value = Complex.Asin(x);
                slope = 1 / Complex.Sqrt(Complex.One - x * x).Magnitude;
                break;
            case "arccos":
                value = Complex.Acos(x);
                slope = 1 / Complex.Sqrt(Complex.One - x * x).Magnitude;
                break;
            case "arctan":
                value = Complex.Atan(x);
                slope = 1 / (Complex.One + x * x).Magnitude;
                break;
            case "sinh":
                value = Complex.Sinh(x);
                slope = Complex.Cosh(x).Magnitude;
                break;
            case "cosh":
                value = Complex.Cosh(x);
                slope = Complex.Sinh(x).Magnitude;
                break;
            case "tanh":
                value = Complex.Tanh(x);
                slope = (Complex.One - value * value).Magnitude;
                break;
            case "exp":
                value = Complex.Exp(x);
                slope = value.Magnitude;
                break;
            case "abs":
                value = Complex.Abs(x);
                slope = 1;
                break;
            case "ln":
                value = Complex.Log(x);
                slope = 1 / x.Magnitude;
                break;
            case "log" when function.Arguments.Count == 2:
                {
                    var logBase = Evaluate(function.Arguments[1], variable, depth, false);
                    var lnBase = Complex.Log(logBase.Value);
                    value = Complex.Log(x) / lnBase;
                    var error = (argument.Error / x.Magnitude + value.Magnitude * logBase.Error / logBase.Value.Magnitude) / lnBase.Magnitude;
                    return new(value, error + Epsilon * value.Magnitude);
                }

            case "log":
                value = Complex.Log(x);
                slope = 1 / x.Magnitude;
                break;
            case "floor" or "ceil":
                {
                    if (x.Imaginary != 0)
                    {
                        return Approximation.NaN;
                    }

                    value = function.Name == "floor" ? Math.Floor(x.Real) : Math.Ceiling(x.Real);
                    // Exact unless the argument could lie on the other side of an integer.
                    var distance = Math.Min(x.Real - Math.Floor(x.Real), Math.Ceiling(x.Real) - x.Real);
                    return new(value, argument.Error < distance || argument.Error == 0 ? 0 : double.PositiveInfinity);
                }

            case "factorial":
                return x.Imaginary == 0 && x.Real >= 0 && x.Real == Math.Floor(x.Real) && argument.Error < 0.5
                    ? new(Factorial(x.Real), x.Real * Epsilon * Factorial(x.Real))
                    : Approximation.NaN;
            case "binom":
                {
                    var k = Evaluate(function.Arguments[1], variable, depth, false).Value;
                    if (x.Imaginary != 0 || k.Imaginary != 0 || k.Real < 0 || k.Real > x.Real || k.Real != Math.Floor(k.Real))
                    {
                        return Approximation.NaN;
                    }

                    var result = 1.0;
                    var steps = (int)Math.Min(k.Real, 1000);
                    for (var j = 1; j <= steps; j++)
                    {
                        result = result * (x.Real - k.Real + j) / j;
                    }

                    return new(result, (2 * steps + 1) * Epsilon * Math.Abs(result) + argument.Error * steps * Math.Abs(result) / Math.Max(1, Math.Abs(x.Real)));
                }

            default:
                return Approximation.NaN;
        }

        // An exact argument has no error to grow, even where the slope is infinite (arcsin 1). System.Numerics.Complex
        // loses digits near poles (tan via sin 2x / (cos 2x + cosh 2y)), hence the wider rounding term.
        var propagated = argument.Error == 0 ? 0 : slope * argument.Error;
        return new(value, (double.IsNaN(propagated) ? double.PositiveInfinity : propagated) + ComplexFunctionEpsilon * value.Magnitude);
    }

    private const double ComplexFunctionEpsilon = 256 * Epsilon;

    /// <summary>The value and |f'| of a function at a real point where it is real, with the accurate Math functions; null elsewhere.</summary>
    private static (double Value, double Slope)? RealFunction(string name, double x)
    {
        switch (name)
        {
            case "sin": return (Math.Sin(x), Math.Abs(Math.Cos(x)));
            case "cos": return (Math.Cos(x), Math.Abs(Math.Sin(x)));
            case "tan":
                {
                    var t = Math.Tan(x);
                    return (t, 1 + t * t);
                }

            case "cot":
                {
                    var c = 1 / Math.Tan(x);
                    return (c, 1 + c * c);
                }

            case "sec":
                {
                    var sec = 1 / Math.Cos(x);
                    return (sec, Math.Abs(sec * Math.Tan(x)));
                }

            case "csc":
                {
                    var csc = 1 / Math.Sin(x);
                    return (csc, Math.Abs(csc / Math.Tan(x)));
                }

            case "arcsin" when Math.Abs(x) <= 1: return (Math.Asin(x), 1 / Math.Sqrt(1 - x * x));
            case "arccos" when Math.Abs(x) <= 1: return (Math.Acos(x), 1 / Math.Sqrt(1 - x * x));
            case "arctan": return (Math.Atan(x), 1 / (1 + x * x));
            case "sinh": return (Math.Sinh(x), Math.Cosh(x));
            case "cosh": return (Math.Cosh(x), Math.Abs(Math.Sinh(x)));
            case "tanh":
                {
                    var t = Math.Tanh(x);
                    return (t, 1 - t * t);
                }

            case "exp":
                {
                    var e = Math.Exp(x);
                    return (e, e);
                }

            case "abs": return (Math.Abs(x), 1);
            case "ln" or "log" when x > 0: return (Math.Log(x), 1 / x);
            default: return null;
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
