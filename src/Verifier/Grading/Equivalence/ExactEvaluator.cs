using System.Numerics;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// Computes the canonical <see cref="ExactValue"/> of an expression built from rationals, radicals of rationals, pi, e, i
/// and variables with +, -, ×, ÷ and integer or root powers. Anything else (trigonometry, logarithms, nested radicals,
/// huge powers) has no exact value here and is compared numerically.
/// </summary>
internal sealed class ExactEvaluator(GraderOptions options, GradingBudget budget)
{
    private const int TrialDivisionLimit = 100_000;

    public ExactValue? TryEvaluate(MathNode node)
    {
        try
        {
            return Evaluate(node, 0);
        }
        catch (OverflowException)
        {
            return null;
        }
        catch (DivideByZeroException)
        {
            return null;
        }
    }

    private ExactValue? Evaluate(MathNode node, int depth)
    {
        budget.Tick();
        if (depth > options.MaxNestingDepth * 4)
        {
            return null;
        }

        depth++;
        switch (node)
        {
            case NumberNode number:
                return ExactValue.Constant(number.Value);
            case SymbolNode symbol:
                return _bound is not null && _bound.TryGetValue(symbol.Name, out var boundValue) ? boundValue : ExactValue.Symbol(symbol.Name);
            case SumOverNode sumOver:
                return EvaluateSumOver(sumOver, depth);
            case SumNode sum:
                {
                    var total = ExactValue.Zero;
                    foreach (var term in sum.Terms)
                    {
                        var value = Evaluate(term, depth);
                        if (value is null)
                        {
                            return null;
                        }

                        total = total.Add(value);
                    }

                    return total;
                }

            case NegateNode negate:
                return Evaluate(negate.Operand, depth)?.Negate();
            case ProductNode product:
                {
                    var total = ExactValue.Constant(Rational.One);
                    foreach (var factor in product.Factors)
                    {
                        var value = Evaluate(factor, depth);
                        if (value is null)
                        {
                            return null;
                        }

                        total = total.Multiply(value);
                    }

                    return total;
                }

            case DivideNode divide:
                {
                    var numerator = Evaluate(divide.Numerator, depth);
                    var denominator = numerator is null ? null : Evaluate(divide.Denominator, depth);
                    var inverse = denominator?.TryInvert();
                    return inverse is null ? null : numerator!.Multiply(inverse);
                }

            case PowerNode power:
                return EvaluatePower(power, depth);
            case RootNode root:
                {
                    var radicand = Evaluate(root.Radicand, depth);
                    return radicand is not null && radicand.TryGetRational(out var r) ? Root(r, root.Degree) : null;
                }

            case FunctionNode function:
                return EvaluateFunction(function, depth);
            case PercentNode percent:
                return Evaluate(percent.Operand, depth);
            case DegreesNode degrees:
                return Evaluate(degrees.Operand, depth);
            case UnitNode unit:
                return Evaluate(unit.Operand, depth);
            default:
                return null;
        }
    }

    /// <summary>Terms summed exactly at most; longer sums are evaluated numerically or not at all.</summary>
    private const int MaxSumTerms = 10_000;

    // The index variables of the sums being evaluated; one evaluator serves one comparison on one thread.
    private Dictionary<string, ExactValue>? _bound;

    private ExactValue? EvaluateSumOver(SumOverNode sum, int depth)
    {
        var lower = Evaluate(sum.Lower, depth);
        var upper = lower is null ? null : Evaluate(sum.Upper, depth);
        if (lower is null || upper is null || !lower.TryGetRational(out var from) || !upper.TryGetRational(out var to)
            || !from.IsInteger || !to.IsInteger || to.Numerator - from.Numerator > MaxSumTerms)
        {
            return null;
        }

        _bound ??= new Dictionary<string, ExactValue>(StringComparer.Ordinal);
        var hadOuter = _bound.Remove(sum.Variable, out var outer);
        try
        {
            var total = sum.IsProduct ? ExactValue.Constant(Rational.One) : ExactValue.Zero;
            for (var k = from.Numerator; k <= to.Numerator; k++)
            {
                _bound[sum.Variable] = ExactValue.Constant(Rational.FromInteger(k));
                var term = Evaluate(sum.Body, depth);
                if (term is null)
                {
                    return null;
                }

                total = sum.IsProduct ? total.Multiply(term) : total.Add(term);
            }

            return total;
        }
        finally
        {
            _bound.Remove(sum.Variable);
            if (hadOuter)
            {
                _bound[sum.Variable] = outer!;
            }
        }
    }

    private ExactValue? EvaluatePower(PowerNode power, int depth)
    {
        var exponent = Evaluate(power.Exponent, depth);
        if (exponent is null || !exponent.TryGetRational(out var e))
        {
            return null;
        }

        if (BigInteger.Abs(e.Numerator) > options.MaxExponent || e.Denominator > 64)
        {
            return null;
        }

        var baseValue = Evaluate(power.Base, depth);
        if (baseValue is null)
        {
            return null;
        }

        var numerator = (int)e.Numerator;
        if (e.IsInteger)
        {
            return baseValue.TryPow(numerator, options.MaxExponent);
        }

        if (!baseValue.TryGetRational(out var b))
        {
            return null;
        }

        var root = Root(b, (int)e.Denominator);
        return root?.TryPow(numerator, options.MaxExponent);
    }

    private ExactValue? EvaluateFunction(FunctionNode function, int depth)
    {
        var arguments = new List<Rational>(function.Arguments.Count);
        foreach (var argument in function.Arguments)
        {
            var value = Evaluate(argument, depth);
            if (value is null || !value.TryGetRational(out var r))
            {
                return null;
            }

            arguments.Add(r);
        }

        switch (function.Name)
        {
            case "abs":
                return ExactValue.Constant(arguments[0].Abs());
            case "floor":
                return ExactValue.Constant(Rational.FromInteger(Floor(arguments[0])));
            case "ceil":
                return ExactValue.Constant(Rational.FromInteger(-Floor(-arguments[0])));
            case "factorial" when arguments[0].IsInteger && arguments[0].Sign >= 0 && arguments[0].Numerator <= 1000:
                {
                    var n = (int)arguments[0].Numerator;
                    var product = BigInteger.One;
                    for (var k = 2; k <= n; k++)
                    {
                        product *= k;
                    }

                    return ExactValue.Constant(Rational.FromInteger(product));
                }

            case "binom" when arguments.Count == 2 && arguments.All(a => a.IsInteger) && arguments[0].Numerator is var n && n >= 0 && n <= 10_000:
                {
                    var k = arguments[1].Numerator;
                    if (k < 0 || k > n)
                    {
                        return ExactValue.Zero;
                    }

                    var result = BigInteger.One;
                    var kk = (int)BigInteger.Min(k, n - k);
                    for (var j = 1; j <= kk; j++)
                    {
                        result = result * (n - kk + j) / j;
                    }

                    return ExactValue.Constant(Rational.FromInteger(result));
                }

            default:
                return null;
        }
    }

    private static BigInteger Floor(Rational r)
    {
        var quotient = BigInteger.DivRem(r.Numerator, r.Denominator, out var remainder);
        return remainder.Sign < 0 ? quotient - 1 : quotient;
    }

    /// <summary>The exact n-th root of a rational: square roots as a rational times a square-free radical, other roots only when perfect.</summary>
    private ExactValue? Root(Rational value, int degree)
    {
        if (value.IsZero)
        {
            return ExactValue.Zero;
        }

        var negative = value.Sign < 0;
        var magnitude = value.Abs();
        if (degree == 2)
        {
            // √(p/q) = √(pq)/q, and √(pq) = s√r with r square-free.
            var product = magnitude.Numerator * magnitude.Denominator;
            var split = SplitSquare(product);
            if (split is null)
            {
                return null;
            }

            var (outside, squareFree) = split.Value;
            var coefficient = new Rational(outside, magnitude.Denominator);
            var result = ExactValue.Radical(coefficient, squareFree);
            return negative ? result.Multiply(ExactValue.Symbol(SymbolNode.ImaginaryUnit)) : result;
        }

        if (negative && degree % 2 == 0)
        {
            return null;
        }

        var numeratorRoot = IntegerRoot(magnitude.Numerator, degree);
        var denominatorRoot = IntegerRoot(magnitude.Denominator, degree);
        if (numeratorRoot is null || denominatorRoot is null)
        {
            return null;
        }

        var root = new Rational(numeratorRoot.Value, denominatorRoot.Value);
        return ExactValue.Constant(negative ? -root : root);
    }

    /// <summary>n = outside² · squareFree, or null when n has a factor too large to rule out a square.</summary>
    private (BigInteger Outside, BigInteger SquareFree)? SplitSquare(BigInteger n)
    {
        if (n.GetBitLength() > 4096)
        {
            return null;
        }

        var exact = IntegerRoot(n, 2);
        if (exact is not null)
        {
            return (exact.Value, BigInteger.One);
        }

        var outside = BigInteger.One;
        var squareFree = BigInteger.One;
        var rest = n;
        for (var d = 2; d <= TrialDivisionLimit; d += d == 2 ? 1 : 2)
        {
            if ((d & 63) == 1)
            {
                budget.Tick();
            }

            var dd = new BigInteger(d);
            if (dd * dd > rest)
            {
                break;
            }

            var count = 0;
            while ((rest % dd).IsZero)
            {
                rest /= dd;
                count++;
            }

            if (count > 0)
            {
                outside *= BigInteger.Pow(dd, count / 2);
                if (count % 2 == 1)
                {
                    squareFree *= dd;
                }
            }
        }

        if (rest.IsOne)
        {
            return (outside, squareFree);
        }

        var restRoot = IntegerRoot(rest, 2);
        if (restRoot is not null)
        {
            return (outside * restRoot.Value, squareFree);
        }

        var limit = new BigInteger(TrialDivisionLimit);
        if (rest > limit * limit * limit)
        {
            // rest could be p²·q with p > limit; we cannot tell cheaply.
            return null;
        }

        // rest has no factor ≤ limit and rest < limit³, so it is p or p·q with distinct primes: square-free unless a square, ruled out above.
        return (outside, squareFree * rest);
    }

    internal static BigInteger? IntegerRoot(BigInteger n, int degree)
    {
        if (n.Sign < 0)
        {
            return null;
        }

        if (n < 2)
        {
            return n;
        }

        var bits = n.GetBitLength();
        // Newton's method from a floating-point estimate, or from a power of two above the root when n overflows a double.
        var guess = bits < 1000
            ? new BigInteger(Math.Round(Math.Pow((double)n, 1.0 / degree)))
            : BigInteger.One << (int)(bits / degree + 1);

        for (var iteration = 0; iteration < 200; iteration++)
        {
            if (guess.Sign <= 0)
            {
                guess = BigInteger.One;
            }

            var power = BigInteger.Pow(guess, degree - 1);
            var next = ((degree - 1) * guess + n / power) / degree;
            if (BigInteger.Abs(next - guess) <= 1)
            {
                break;
            }

            guess = next;
        }

        for (var candidate = guess - 2; candidate <= guess + 2; candidate++)
        {
            if (candidate.Sign >= 0 && BigInteger.Pow(candidate, degree) == n)
            {
                return candidate;
            }
        }

        return null;
    }
}
