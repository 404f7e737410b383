using System.Globalization;
using System.Numerics;

namespace BestOfN.Verifier.Grading;

/// <summary>An exact rational number in lowest terms with a positive denominator.</summary>
internal readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    public static readonly Rational Zero = new(BigInteger.Zero, BigInteger.One, normalized: true);
    public static readonly Rational One = new(BigInteger.One, BigInteger.One, normalized: true);
    public static readonly Rational MinusOne = new(BigInteger.MinusOne, BigInteger.One, normalized: true);

    private readonly BigInteger _denominator;

    public BigInteger Numerator { get; }

    // default(Rational) must behave as zero, so a zero stored denominator reads as one.
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    private Rational(BigInteger numerator, BigInteger denominator, bool normalized)
    {
        _ = normalized;
        Numerator = numerator;
        _denominator = denominator;
    }

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException();
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero)
        {
            numerator /= gcd;
            denominator /= gcd;
        }

        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    public static Rational FromInteger(BigInteger value) => new(value, BigInteger.One, normalized: true);

    public bool IsZero => Numerator.IsZero;

    public bool IsInteger => Denominator.IsOne;

    public int Sign => Numerator.Sign;

    /// <summary>Approximate size in bits, used to refuse arithmetic that would grow without bound.</summary>
    public long BitLength => Numerator.GetBitLength() + Denominator.GetBitLength();

    public static Rational operator +(Rational a, Rational b) =>
        a.Denominator == b.Denominator
            ? new Rational(a.Numerator + b.Numerator, a.Denominator)
            : new Rational(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator, normalized: true);

    public static Rational operator -(Rational a, Rational b) => a + -b;

    public static Rational operator *(Rational a, Rational b) =>
        new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator /(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public Rational Reciprocal() => new(Denominator, Numerator);

    public Rational Abs() => Sign < 0 ? -this : this;

    public Rational Pow(int exponent)
    {
        if (exponent >= 0)
        {
            return new Rational(BigInteger.Pow(Numerator, exponent), BigInteger.Pow(Denominator, exponent), normalized: true);
        }

        return Reciprocal().Pow(-exponent);
    }

    public double ToDouble()
    {
        var value = (double)Numerator / (double)Denominator;
        if (double.IsFinite(value) || (Numerator.IsZero))
        {
            return value;
        }

        // Both parts overflow double: scale them down together.
        var shift = (int)Math.Max(0, Math.Max(Numerator.GetBitLength(), Denominator.GetBitLength()) - 1000);
        return (double)(Numerator >> shift) / (double)(Denominator >> shift);
    }

    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Rational other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    public static bool operator ==(Rational a, Rational b) => a.Equals(b);

    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    public override string ToString() =>
        IsInteger
            ? Numerator.ToString(CultureInfo.InvariantCulture)
            : Numerator.ToString(CultureInfo.InvariantCulture) + "/" + Denominator.ToString(CultureInfo.InvariantCulture);
}
