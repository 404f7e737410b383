using System.Numerics;

namespace BestOfN.Verifier.Grading;

// Numeric comparison: values with error bounds at sample points, tolerance only for decimals.
internal sealed partial class EquivalenceChecker
{
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

    private static bool IsOverflow(Complex value) => double.IsInfinity(value.Real) || double.IsInfinity(value.Imaginary);

    private static bool IsNaN(Complex value) => double.IsNaN(value.Real) || double.IsNaN(value.Imaginary);

    private static bool IsFinite(Complex value) => double.IsFinite(value.Real) && double.IsFinite(value.Imaginary);

    private bool Close(Complex a, Complex b)
    {
        var difference = (a - b).Magnitude;
        var scale = Math.Max(a.Magnitude, b.Magnitude);
        return difference <= _options.RelativeTolerance * scale || difference <= AbsoluteTolerance;
    }
}
