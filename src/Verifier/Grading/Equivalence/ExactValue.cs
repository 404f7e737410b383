using System.Globalization;
using System.Numerics;
using System.Text;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// A product of a square-free radical √r and integer powers of symbols (pi, e, i, ∞, variables), with i² = -1 applied.
/// Radicals of distinct square-free r, and distinct symbol powers, are linearly independent over the rationals,
/// so a sum of monomials with rational coefficients is a canonical form.
/// </summary>
internal sealed class Monomial : IEquatable<Monomial>
{
    public static readonly Monomial One = new(BigInteger.One, []);

    public Monomial(BigInteger radicand, (string Name, int Power)[] symbols)
    {
        Radicand = radicand;
        Symbols = symbols;
        Key = BuildKey(radicand, symbols);
    }

    public BigInteger Radicand { get; }

    /// <summary>Sorted by name (ordinal), no zero powers; "i" only to the power 1.</summary>
    public (string Name, int Power)[] Symbols { get; }

    public string Key { get; }

    public bool IsOne => Radicand.IsOne && Symbols.Length == 0;

    /// <summary>True when the square of this monomial is rational: only a radical and i.</summary>
    public bool HasRationalSquare => Symbols.All(s => s.Name == SymbolNode.ImaginaryUnit);

    private static string BuildKey(BigInteger radicand, (string Name, int Power)[] symbols)
    {
        if (radicand.IsOne && symbols.Length == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        if (!radicand.IsOne)
        {
            builder.Append("sqrt(").Append(radicand.ToString(CultureInfo.InvariantCulture)).Append(')');
        }

        foreach (var (name, power) in symbols)
        {
            if (builder.Length > 0)
            {
                builder.Append('*');
            }

            builder.Append(name);
            if (power != 1)
            {
                builder.Append('^').Append(power.ToString(CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public static (Rational Factor, Monomial Product) Multiply(Monomial a, Monomial b)
    {
        if (a.IsOne)
        {
            return (Rational.One, b);
        }

        if (b.IsOne)
        {
            return (Rational.One, a);
        }

        var factor = Rational.One;
        var gcd = BigInteger.GreatestCommonDivisor(a.Radicand, b.Radicand);
        var radicand = (a.Radicand / gcd) * (b.Radicand / gcd);
        factor *= Rational.FromInteger(gcd);

        var merged = new List<(string Name, int Power)>(a.Symbols.Length + b.Symbols.Length);
        int i = 0, j = 0;
        while (i < a.Symbols.Length || j < b.Symbols.Length)
        {
            int compare = i >= a.Symbols.Length ? 1 : j >= b.Symbols.Length ? -1 : string.CompareOrdinal(a.Symbols[i].Name, b.Symbols[j].Name);
            if (compare < 0)
            {
                merged.Add(a.Symbols[i++]);
            }
            else if (compare > 0)
            {
                merged.Add(b.Symbols[j++]);
            }
            else
            {
                var power = checked(a.Symbols[i].Power + b.Symbols[j].Power);
                if (power != 0)
                {
                    merged.Add((a.Symbols[i].Name, power));
                }

                i++;
                j++;
            }
        }

        return Reduce(factor, radicand, merged);
    }

    public (Rational Factor, Monomial Inverse) Invert()
    {
        var factor = Radicand.IsOne ? Rational.One : new Rational(BigInteger.One, Radicand);
        var symbols = Symbols.Select(s => (s.Name, checked(-s.Power))).ToList();
        return Reduce(factor, Radicand, symbols);
    }

    public (Rational Factor, Monomial Power) Pow(int exponent, long maxBits)
    {
        var factor = Rational.One;
        var radicand = BigInteger.One;
        if (!Radicand.IsOne)
        {
            var half = Math.Abs(exponent) / 2;
            if (Radicand.GetBitLength() * half > maxBits)
            {
                throw new OverflowException("radical power too large");
            }

            factor = Rational.FromInteger(BigInteger.Pow(Radicand, half));
            if (exponent < 0)
            {
                factor = factor.Reciprocal();
            }

            if (exponent % 2 != 0)
            {
                radicand = Radicand;
                if (exponent < 0)
                {
                    factor *= new Rational(BigInteger.One, Radicand);
                }
            }
        }

        var symbols = Symbols.Select(s => (s.Name, checked(s.Power * exponent))).ToList();
        return Reduce(factor, radicand, symbols);
    }

    private static (Rational Factor, Monomial Monomial) Reduce(Rational factor, BigInteger radicand, List<(string Name, int Power)> symbols)
    {
        var index = symbols.FindIndex(s => s.Name == SymbolNode.ImaginaryUnit);
        if (index >= 0)
        {
            var power = ((symbols[index].Power % 4) + 4) % 4;
            if (power >= 2)
            {
                factor = -factor;
            }

            if (power % 2 == 1)
            {
                symbols[index] = (SymbolNode.ImaginaryUnit, 1);
            }
            else
            {
                symbols.RemoveAt(index);
            }
        }

        foreach (var (_, power) in symbols)
        {
            if (Math.Abs(power) > 1_000_000)
            {
                throw new OverflowException("symbol power too large");
            }
        }

        return (factor, radicand.IsOne && symbols.Count == 0 ? One : new Monomial(radicand, symbols.ToArray()));
    }

    public bool Equals(Monomial? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as Monomial);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}

/// <summary>An exact value: a sum of rational multiples of monomials. Immutable.</summary>
internal sealed class ExactValue
{
    public const int MaxTerms = 256;
    public const long MaxBits = 1 << 17;

    private readonly Dictionary<Monomial, Rational> _terms;

    private ExactValue(Dictionary<Monomial, Rational> terms) => _terms = terms;

    public static readonly ExactValue Zero = new(new Dictionary<Monomial, Rational>());

    public static ExactValue Constant(Rational value) =>
        value.IsZero ? Zero : new ExactValue(new Dictionary<Monomial, Rational> { [Monomial.One] = value });

    public static ExactValue Symbol(string name)
    {
        var (factor, monomial) = Monomial.Multiply(Monomial.One, new Monomial(BigInteger.One, [(name, 1)]));
        return new ExactValue(new Dictionary<Monomial, Rational> { [monomial] = factor });
    }

    public static ExactValue Radical(Rational coefficient, BigInteger squareFree) =>
        coefficient.IsZero ? Zero : new ExactValue(new Dictionary<Monomial, Rational> { [new Monomial(squareFree, [])] = coefficient });

    public int TermCount => _terms.Count;

    public IEnumerable<KeyValuePair<Monomial, Rational>> Terms => _terms;

    public bool TryGetRational(out Rational value)
    {
        if (_terms.Count == 0)
        {
            value = Rational.Zero;
            return true;
        }

        if (_terms.Count == 1 && _terms.TryGetValue(Monomial.One, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public ExactValue Add(ExactValue other)
    {
        if (other._terms.Count == 0)
        {
            return this;
        }

        var terms = new Dictionary<Monomial, Rational>(_terms);
        foreach (var (monomial, coefficient) in other._terms)
        {
            AddTerm(terms, monomial, coefficient);
        }

        return Checked(terms);
    }

    public ExactValue Negate() => new(_terms.ToDictionary(t => t.Key, t => -t.Value));

    public ExactValue Subtract(ExactValue other) => Add(other.Negate());

    public ExactValue Scale(Rational factor)
    {
        if (factor.IsZero)
        {
            return Zero;
        }

        return Checked(_terms.ToDictionary(t => t.Key, t => t.Value * factor));
    }

    public ExactValue Multiply(ExactValue other)
    {
        if ((long)_terms.Count * other._terms.Count > MaxTerms * 4L)
        {
            throw new OverflowException("too many terms");
        }

        var terms = new Dictionary<Monomial, Rational>();
        foreach (var (m1, c1) in _terms)
        {
            foreach (var (m2, c2) in other._terms)
            {
                var (factor, product) = Monomial.Multiply(m1, m2);
                AddTerm(terms, product, c1 * c2 * factor);
            }
        }

        return Checked(terms);
    }

    /// <summary>The reciprocal of a single term, or of two terms whose squares are rational (a + b√r, a + bi); else null.</summary>
    public ExactValue? TryInvert()
    {
        if (_terms.Count == 1)
        {
            var (monomial, coefficient) = _terms.First();
            var (factor, inverse) = monomial.Invert();
            return new ExactValue(new Dictionary<Monomial, Rational> { [inverse] = coefficient.Reciprocal() * factor });
        }

        if (_terms.Count == 2 && _terms.Keys.All(m => m.HasRationalSquare))
        {
            var pair = _terms.ToArray();
            var first = new ExactValue(new Dictionary<Monomial, Rational> { [pair[0].Key] = pair[0].Value });
            var second = new ExactValue(new Dictionary<Monomial, Rational> { [pair[1].Key] = pair[1].Value });
            var denominator = first.Multiply(first).Subtract(second.Multiply(second));
            if (denominator.TryGetRational(out var d) && !d.IsZero)
            {
                return first.Subtract(second).Scale(d.Reciprocal());
            }
        }

        return null;
    }

    public ExactValue? TryPow(int exponent, int maxExponent)
    {
        if (Math.Abs(exponent) > maxExponent)
        {
            return null;
        }

        if (exponent == 0)
        {
            return _terms.Count == 0 ? null : Constant(Rational.One);
        }

        if (_terms.Count == 0)
        {
            return exponent > 0 ? Zero : null;
        }

        if (_terms.Count == 1)
        {
            var (monomial, coefficient) = _terms.First();
            if (coefficient.BitLength * (long)Math.Abs(exponent) > MaxBits)
            {
                return null;
            }

            var (factor, power) = monomial.Pow(exponent, MaxBits);
            return Checked(new Dictionary<Monomial, Rational> { [power] = coefficient.Pow(exponent) * factor });
        }

        var baseValue = this;
        if (exponent < 0)
        {
            baseValue = TryInvert();
            if (baseValue is null)
            {
                return null;
            }

            exponent = -exponent;
        }

        if (exponent > 64)
        {
            return null;
        }

        var result = Constant(Rational.One);
        for (var k = 0; k < exponent; k++)
        {
            result = result.Multiply(baseValue);
        }

        return result;
    }

    public bool ValueEquals(ExactValue other)
    {
        if (_terms.Count != other._terms.Count)
        {
            return false;
        }

        foreach (var (monomial, coefficient) in _terms)
        {
            if (!other._terms.TryGetValue(monomial, out var c) || c != coefficient)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A deterministic text of the canonical form: the constant term first, then monomials in key order.</summary>
    public string ToCanonicalString()
    {
        if (_terms.Count == 0)
        {
            return "0";
        }

        if (_terms.Count == 1 && _terms.TryGetValue(Monomial.One, out var only))
        {
            return only.ToString();
        }

        var builder = new StringBuilder();
        foreach (var (monomial, coefficient) in _terms.OrderBy(t => t.Key.Key, StringComparer.Ordinal))
        {
            if (builder.Length > 0)
            {
                builder.Append(coefficient.Sign < 0 ? "" : "+");
            }

            if (monomial.IsOne)
            {
                builder.Append(coefficient.ToString());
            }
            else if (coefficient == Rational.One)
            {
                builder.Append(monomial.Key);
            }
            else if (coefficient == Rational.MinusOne)
            {
                builder.Append('-').Append(monomial.Key);
            }
            else
            {
                builder.Append(coefficient.ToString()).Append('*').Append(monomial.Key);
            }
        }

        return builder.ToString();
    }

    private static void AddTerm(Dictionary<Monomial, Rational> terms, Monomial monomial, Rational coefficient)
    {
        if (terms.TryGetValue(monomial, out var existing))
        {
            var sum = existing + coefficient;
            if (sum.IsZero)
            {
                terms.Remove(monomial);
            }
            else
            {
                terms[monomial] = sum;
            }
        }
        else if (!coefficient.IsZero)
        {
            terms[monomial] = coefficient;
        }
    }

    private static ExactValue Checked(Dictionary<Monomial, Rational> terms)
    {
        if (terms.Count > MaxTerms)
        {
            throw new OverflowException("too many terms");
        }

        foreach (var coefficient in terms.Values)
        {
            if (coefficient.BitLength > MaxBits)
            {
                throw new OverflowException("number too large");
            }
        }

        return new ExactValue(terms);
    }
}
