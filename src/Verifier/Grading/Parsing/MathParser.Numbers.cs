using System.Globalization;
using System.Numerics;

namespace BestOfN.Verifier.Grading;

// Numerals: digits, thousands groups, decimals, exponents and mixed numbers.
internal sealed partial class MathParser
{
    private MathNode ParseNumber()
    {
        var digits = new System.Text.StringBuilder();
        var integerDigits = 0;
        while (char.IsAsciiDigit(Current))
        {
            digits.Append(Current);
            integerDigits++;
            _pos++;
        }

        // Thousands separators: "1,234" at the top level, "10,\!080" and "1{,}000" anywhere.
        var groupedDigits = integerDigits;
        // A leading zero cannot start a thousands group: "0,111" is the list 0, 111.
        while (integerDigits > 0 && digits[0] != '0' && TryThousandsGroup(groupedDigits, out var groupEnd))
        {
            digits.Append(_text, groupEnd - 3, 3);
            _pos = groupEnd;
            groupedDigits = 3;
        }

        var decimalPlaces = 0;
        if (Current == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            while (char.IsAsciiDigit(Current))
            {
                digits.Append(Current);
                decimalPlaces++;
                _pos++;
            }
        }

        var exponent = 0L;
        var hasExponent = false;
        if (Current is 'e' or 'E')
        {
            var offset = 1;
            if (Peek(1) is '+' or '-')
            {
                offset = 2;
            }

            if (char.IsAsciiDigit(Peek(offset)))
            {
                var negative = Peek(1) == '-';
                _pos += offset;
                var start = _pos;
                while (char.IsAsciiDigit(Current))
                {
                    _pos++;
                }

                var span = _text.AsSpan(start, _pos - start);
                exponent = span.Length > 9 ? long.MaxValue : long.Parse(span, CultureInfo.InvariantCulture);
                if (negative)
                {
                    exponent = -exponent;
                }

                hasExponent = true;
            }
        }

        if (digits.Length > MaxDigits)
        {
            throw Error($"a number longer than {MaxDigits} digits");
        }

        var mantissa = new Rational(BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture), BigInteger.Pow(10, decimalPlaces));
        MathNode number = new NumberNode(mantissa, decimalPlaces);
        if (hasExponent)
        {
            if (Math.Abs(exponent) <= _options.MaxExponent)
            {
                number = new NumberNode(mantissa * Rational.FromInteger(10).Pow((int)exponent), Math.Max(0, decimalPlaces - (int)exponent));
            }
            else
            {
                var ten = new NumberNode(Rational.FromInteger(10), 0);
                var power = new NumberNode(Rational.FromInteger(Math.Abs(exponent) > 1_000_000_000 ? 1_000_000_000 : Math.Abs(exponent)), 0);
                number = new ProductNode([number, new PowerNode(ten, exponent < 0 ? new NegateNode(power) : power)]);
            }
        }
        else if (decimalPlaces == 0)
        {
            number = TryMixedNumber(number);
        }

        return number;
    }

    private bool TryThousandsGroup(int previousGroupDigits, out int groupEnd)
    {
        groupEnd = 0;
        var i = _pos;
        if (Peek(0) == '{' && Peek(1) == ',' && Peek(2) == '}')
        {
            i += 3;
        }
        else if (Peek(0) == '\\' && Peek(1) is ',' or ' ' or '!' or ';')
        {
            // LaTeX thin spaces: 1\,000 and 1\ 000.
            i += 2;
        }
        else if (Peek(0) == ' ' && _bracketDepth == 0 && _absDepth == 0 && previousGroupDigits <= 3)
        {
            // "1 000 000" at the top level; inside brackets a space never joins numbers.
            i++;
        }
        else if (Peek(0) == ',')
        {
            i++;
            var explicitThin = i + 1 < _text.Length && _text[i] == '\\' && _text[i + 1] == '!';
            if (explicitThin)
            {
                i += 2;
                while (i < _text.Length && _text[i] == ' ')
                {
                    i++;
                }
            }
            else if (_bracketDepth > 0 || _absDepth > 0 || previousGroupDigits > 3)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (i + 3 > _text.Length || !char.IsAsciiDigit(_text[i]) || !char.IsAsciiDigit(_text[i + 1]) || !char.IsAsciiDigit(_text[i + 2]))
        {
            return false;
        }

        if (i + 3 < _text.Length && char.IsAsciiDigit(_text[i + 3]))
        {
            return false;
        }

        groupEnd = i + 3;
        return true;
    }

    /// <summary>"1\frac{4}{5}" and "7 3/4" are mixed numbers, not products.</summary>
    private MathNode TryMixedNumber(MathNode whole)
    {
        var save = _pos;
        if (Current == ' ' && TryPlainProperFraction() is { } plain)
        {
            return new SumNode([whole, plain]);
        }

        _pos = save;
        SkipSpace();
        if (Current == '\\' && PeekCommandName() is "frac" or "dfrac" or "tfrac")
        {
            var fraction = ParseCommand();
            if (fraction is DivideNode { Numerator: NumberNode { DecimalPlaces: 0 } numerator, Denominator: NumberNode { DecimalPlaces: 0 } denominator }
                && numerator.Value.Sign > 0 && denominator.Value.Sign > 0 && numerator.Value.CompareTo(denominator.Value) < 0)
            {
                return new SumNode([whole, fraction]);
            }
        }

        _pos = save;
        return whole;
    }

    /// <summary>" 3/4" with integers, the numerator below the denominator, and nothing number-like after it.</summary>
    private DivideNode? TryPlainProperFraction()
    {
        while (Current == ' ')
        {
            _pos++;
        }

        var numeratorStart = _pos;
        while (char.IsAsciiDigit(Current))
        {
            _pos++;
        }

        var numeratorEnd = _pos;
        if (numeratorEnd == numeratorStart || numeratorEnd - numeratorStart > 9 || Current != '/')
        {
            return null;
        }

        _pos++;
        var denominatorStart = _pos;
        while (char.IsAsciiDigit(Current))
        {
            _pos++;
        }

        if (_pos == denominatorStart || _pos - denominatorStart > 9 || Current is '.' or '^' or '/' or '_' || char.IsLetter(Current) || Current == '\\')
        {
            return null;
        }

        var numerator = Integer(_text.AsSpan(numeratorStart, numeratorEnd - numeratorStart));
        var denominator = Integer(_text.AsSpan(denominatorStart, _pos - denominatorStart));
        if (numerator.Value.Sign <= 0 || numerator.Value.CompareTo(denominator.Value) >= 0)
        {
            return null;
        }

        return new DivideNode(numerator, denominator);
    }

    private static NumberNode Integer(ReadOnlySpan<char> digits) =>
        new(Rational.FromInteger(BigInteger.Parse(digits, CultureInfo.InvariantCulture)), 0);
}
