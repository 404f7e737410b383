namespace BestOfN.Verifier.Grading;

// Units after a value: unit words, \text{ cm}, degrees and percent.
internal sealed partial class MathParser
{
    /// <summary>Unit words dropped after a number when units are stripped; longer unknown words are treated the same way.</summary>
    internal static readonly HashSet<string> UnitWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "cm", "mm", "km", "m", "ft", "yd", "mi", "kg", "mg", "lb", "lbs", "oz", "ml", "hr", "hrs", "sec", "min", "mph", "kph",
        "inch", "inches", "feet", "foot", "yard", "yards", "meter", "meters", "metre", "metres", "mile", "miles",
        "units", "unit", "cents", "cent", "dollars", "dollar", "hours", "hour", "minutes", "minute", "seconds", "second",
        "days", "day", "weeks", "week", "years", "year", "sq", "square", "cubic", "grams", "gram", "pounds", "pound",
        "liters", "liter", "litres", "gallons", "gallon", "points", "point", "people", "students", "ways",
    };

    private MathNode ApplyUnit(MathNode value, string unit)
    {
        var lower = unit.ToLowerInvariant();
        if (lower is "degree" or "degrees" or "deg" or "°")
        {
            return new DegreesNode(value);
        }

        if (lower is "percent" or "%")
        {
            return new PercentNode(value);
        }

        return _options.StripUnits ? value : new UnitNode(value, lower);
    }

    /// <summary>A unit after a value: <c>\text{ cm}^2</c>, <c>\mbox{inches}</c>, or a unit word such as "cm" or "dollars".</summary>
    private bool TryUnit(out string unit)
    {
        unit = string.Empty;
        var save = _pos;
        if (Current == '\\')
        {
            var name = ReadCommandName();
            var isText = TextCommands.Contains(name);
            if ((isText || name == "mathrm") && TryReadBraceContent(out var content))
            {
                var trimmed = content.Trim();
                var isUnit = isText
                    ? trimmed.Length > 0 && !IsSeparatorText(trimmed) && IsUnitText(trimmed)
                    : trimmed.Length >= 2 && trimmed.All(char.IsAsciiLetter) && !FunctionNames.Contains(trimmed);
                if (isUnit)
                {
                    unit = trimmed;
                    SkipUnitPower();
                    return true;
                }
            }

            _pos = save;
            return false;
        }

        if (char.IsLetter(Current))
        {
            var end = _pos;
            while (end < _text.Length && char.IsLetter(_text[end]))
            {
                end++;
            }

            var word = _text.Substring(_pos, end - _pos);
            var lower = word.ToLowerInvariant();
            var isUnit = word.Length >= 2 && !IsSeparatorWordAt(_pos, out _) && !FunctionNames.Contains(lower)
                && lower is not ("pi" or "inf" or "infty" or "infinity")
                && (UnitWords.Contains(word) || lower is "degree" or "degrees" or "percent" || (word.Length >= 4 && !StartsPlainFunction()));
            if (isUnit)
            {
                _pos = end;
                unit = word;
                SkipUnitPower();
                return true;
            }
        }

        return false;
    }

    private static bool IsUnitText(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsLetter(c) || char.IsWhiteSpace(c) || c is '.' or '/' or '-' or '^' or '\'' || char.IsAsciiDigit(c)))
            {
                return false;
            }
        }

        return text.Any(char.IsLetter);
    }

    private void SkipUnitPower()
    {
        var save = _pos;
        SkipSpace();
        if (Current == '^')
        {
            _pos++;
            if (char.IsAsciiDigit(Current))
            {
                _pos++;
                return;
            }

            if (Current == '{' && char.IsAsciiDigit(Peek(1)) && Peek(2) == '}')
            {
                _pos += 3;
                return;
            }
        }

        _pos = save;
    }
}
