namespace BestOfN.Verifier.Grading;

/// <summary>Default values of <see cref="GraderOptions"/>.</summary>
public static class GraderDefaults
{
    /// <summary>The default value is 1e-6: irrational values agree to six significant digits.</summary>
    public const double RelativeTolerance = 1e-6;

    /// <summary>The default value is 5 points when variables appear.</summary>
    public const int NumericSamplePoints = 5;

    /// <summary>The default value is 20240611.</summary>
    public const int RandomSeed = 20240611;

    /// <summary>The default value is 250 milliseconds per comparison.</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromMilliseconds(250);

    /// <summary>The default value is 4096 characters per answer.</summary>
    public const int MaxAnswerLength = 4096;

    /// <summary>The default value is 64 levels of brackets and operators.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>The default value is 4096: larger integer exponents are not computed exactly.</summary>
    public const int MaxExponent = 4096;

    /// <summary>The default value is 100,000 parsed answers kept per grader.</summary>
    public const int CacheCapacity = 100_000;

    /// <summary>The default value is true: <c>15\text{ cm}^2</c> equals 15.</summary>
    public const bool StripUnits = true;

    /// <summary>The default value is false: <c>50\%</c> equals 50 but not 1/2.</summary>
    public const bool PercentEqualsFraction = false;

    /// <summary>The default value is false: <c>30^\circ</c> equals 30 but not \pi/6.</summary>
    public const bool DegreesEqualRadians = false;

    /// <summary>The default value is false: 3.14 does not equal \pi.</summary>
    public const bool AcceptRoundedDecimals = false;
}

/// <summary>Options of answer grading: tolerances, limits, leniency switches and the extraction rules.</summary>
public sealed record GraderOptions
{
    public static readonly GraderOptions Default = new();

    /// <summary>Relative tolerance of numeric comparison, used only when a side is not an exact rational or radical.</summary>
    public double RelativeTolerance { get; init; } = GraderDefaults.RelativeTolerance;

    /// <summary>How many random points expressions with variables are evaluated at.</summary>
    public int NumericSamplePoints { get; init; } = GraderDefaults.NumericSamplePoints;

    /// <summary>Seed of the points at which variables are evaluated; the same seed gives the same verdicts.</summary>
    public int RandomSeed { get; init; } = GraderDefaults.RandomSeed;

    /// <summary>Wall-clock budget of one comparison, parsing included; past it the verdict is <see cref="Verdict.TimedOut"/>.</summary>
    public TimeSpan TimeBudget { get; init; } = GraderDefaults.TimeBudget;

    public int MaxAnswerLength { get; init; } = GraderDefaults.MaxAnswerLength;

    public int MaxNestingDepth { get; init; } = GraderDefaults.MaxNestingDepth;

    /// <summary>The largest integer exponent computed exactly; beyond it values are compared numerically.</summary>
    public int MaxExponent { get; init; } = GraderDefaults.MaxExponent;

    /// <summary>Parsed answers memoised per grader instance; 0 disables the cache.</summary>
    public int CacheCapacity { get; init; } = GraderDefaults.CacheCapacity;

    /// <summary>Drop units written as <c>\text{..}</c>, <c>\mbox{..}</c> or common unit words after a number.</summary>
    public bool StripUnits { get; init; } = GraderDefaults.StripUnits;

    /// <summary>Let <c>p\%</c> also equal <c>p/100</c>. The percent sign alone is always ignored.</summary>
    public bool PercentEqualsFraction { get; init; } = GraderDefaults.PercentEqualsFraction;

    /// <summary>Let <c>d^\circ</c> also equal <c>d\pi/180</c>. The degree sign alone is always ignored.</summary>
    public bool DegreesEqualRadians { get; init; } = GraderDefaults.DegreesEqualRadians;

    /// <summary>Let a decimal prediction equal a gold that rounds to it at the prediction's number of decimals.</summary>
    public bool AcceptRoundedDecimals { get; init; } = GraderDefaults.AcceptRoundedDecimals;

    /// <summary>How <see cref="AnswerGrader.Grade"/> finds the final answer in a solution.</summary>
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.Flexible;

    /// <summary>Every problem with these options; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(RelativeTolerance >= 0 && RelativeTolerance < 1))
        {
            errors.Add($"{nameof(RelativeTolerance)} must be in [0, 1), got {RelativeTolerance}.");
        }

        if (NumericSamplePoints is < 1 or > 64)
        {
            errors.Add($"{nameof(NumericSamplePoints)} must be in [1, 64], got {NumericSamplePoints}.");
        }

        if (TimeBudget <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(TimeBudget)} must be positive, got {TimeBudget}.");
        }

        if (MaxAnswerLength is < 1 or > 1_000_000)
        {
            errors.Add($"{nameof(MaxAnswerLength)} must be in [1, 1000000], got {MaxAnswerLength}.");
        }

        if (MaxNestingDepth is < 1 or > 512)
        {
            errors.Add($"{nameof(MaxNestingDepth)} must be in [1, 512], got {MaxNestingDepth}.");
        }

        if (MaxExponent is < 1 or > 100_000)
        {
            errors.Add($"{nameof(MaxExponent)} must be in [1, 100000], got {MaxExponent}.");
        }

        if (CacheCapacity < 0)
        {
            errors.Add($"{nameof(CacheCapacity)} must not be negative, got {CacheCapacity}.");
        }

        if (Extraction is null)
        {
            errors.Add($"{nameof(Extraction)} must be set.");
        }
        else
        {
            errors.AddRange(Extraction.Validate());
        }

        return errors;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every error, if any.</summary>
    public GraderOptions EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid grader options: " + string.Join(" ", errors));
        }

        return this;
    }
}
