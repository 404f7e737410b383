using BestOfN.Verifier.Grading;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BestOfN.Verifier.Tests.Grading.Equivalence;

/// <summary>
/// No false Equal on pairs built to differ (issue 9): a function against its reflection when it is not even, a value
/// against the same value times (1 + 10^-k), and |x| against x. Any verdict but Equal is acceptable here.
/// </summary>
public sealed class MathEquivalenceNoFalseEqualPropertyTests
{
    private static readonly GraderOptions Options = GraderOptions.Default;

    private static readonly string[] Variables = ["x", "y", "t", "a", "n"];

    /// <summary>Functions that are not even: f(-x) differs from f(x) at some point of every sign.</summary>
    private static readonly Func<string, string>[] NonEven =
    [
        t => $"({t})^3",
        t => $"({t})^3 + ({t})",
        t => $@"\sin({t})",
        t => $@"\tan({t})",
        t => $"e^{{{t}}}",
        t => $@"\sqrt[3]{{{t}}}",
        t => $"{t}|{t}|",
        t => $@"\arctan({t})",
        t => $@"\sinh({t})",
        t => $"({t})^2 + ({t})",
        t => $@"\frac{{1}}{{{t}}}",
        t => $"({t})^5 - 3({t})",
        t => $@"\cos({t}) + ({t})",
        t => $"|{t}+1|",
        t => $@"\sqrt{{({t})^2 + ({t}) + 1}}",
        t => $@"\ln(3 + ({t}))",
        t => $"2^{{{t}}}",
        t => $@"\frac{{({t})+1}}{{({t})^2+1}}",
    ];

    private static bool NotEqual(string a, string b) =>
        MathEquivalence.Compare(a, b, Options).Verdict != Verdict.Equal && MathEquivalence.Compare(b, a, Options).Verdict != Verdict.Equal;

    [Property(MaxTest = 500)]
    public bool A_function_that_is_not_even_never_equals_its_reflection(NonNegativeInt function, NonZeroInt coefficient, int shift, NonNegativeInt variable)
    {
        var f = NonEven[function.Get % NonEven.Length];
        var x = Variables[variable.Get % Variables.Length];
        var c = coefficient.Get % 50 == 0 ? 1 : coefficient.Get % 50;
        var s = shift % 100;
        return NotEqual($"{c}\\left({f(x)}\\right) + {s}", $"{c}\\left({f("-" + x)}\\right) + {s}");
    }

    /// <summary>Non-zero values with an exact form (rational, radical, multiple of π) and values the engine can only evaluate numerically.</summary>
    private static readonly Func<int, int, string>[] Values =
    [
        (p, q) => $"{p}",
        (p, q) => $@"\frac{{{p}}}{{{q}}}",
        (p, q) => $@"\sqrt{{{q + 1}}}",
        (p, q) => $@"{p}\pi",
        (p, q) => $@"\frac{{{Math.Abs(p)}+\sqrt{{{q + 1}}}}}{{{q}}}",
        (p, q) => $"e^{{{p % 5}}}",
        (p, q) => $@"\sqrt[3]{{{q + 1}}}",
        (p, q) => $@"\ln {q + 1}",
        (p, q) => $@"\sin {p}",
        (p, q) => $@"\arctan \frac{{{p}}}{{{q}}}",
        (p, q) => $"2^{{1/{q + 2}}}",
        (p, q) => $@"{p}\sqrt{{2}} + \cos {q}",
    ];

    private sealed record PerturbedValue(string Value, string Perturbed)
    {
        public override string ToString() => $"{Value} vs {Perturbed}";
    }

    // Explicit ranges: FsCheck's sized integers rarely pass 50 in a few hundred tests, so PositiveInt would leave most of
    // k = 1…300 and two of the three spellings untried.
    private static readonly Gen<PerturbedValue> PerturbedValues =
        from form in Gen.Choose(0, Values.Length - 1)
        from p in Gen.Choose(-999, 999)
        from q in Gen.Choose(1, 1000)
        from exponent in Gen.Choose(1, 300)
        from spelling in Gen.Choose(0, 2)
        let value = Values[form](p == 0 ? 7 : p, q)
        select new PerturbedValue(value, spelling switch
        {
            0 => $@"\left({value}\right)\cdot\left(1+10^{{-{exponent}}}\right)",
            1 => $@"\left(1+10^{{-{exponent}}}\right)\left({value}\right)",
            _ => $@"({value})(1+10^{{-{exponent}}})",
        });

    [Property(MaxTest = 1000)]
    public Property A_value_never_equals_itself_times_one_plus_ten_to_the_minus_k() =>
        Prop.ForAll(PerturbedValues.ToArbitrary(), pair => NotEqual(pair.Value, pair.Perturbed));

    [Property(MaxTest = 200)]
    public bool The_absolute_value_never_equals_its_argument(NonZeroInt coefficient, int shift, NonNegativeInt variable)
    {
        var x = Variables[variable.Get % Variables.Length];
        var c = coefficient.Get % 20 == 0 ? 1 : coefficient.Get % 20;
        var s = shift % 10;
        return NotEqual($"{c}|{x}| + {s}", $"{c}{x} + {s}") && NotEqual($"|{x}|", x) && NotEqual($@"\sqrt{{{x}^2}}", x);
    }
}
