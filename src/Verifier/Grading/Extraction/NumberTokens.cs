namespace BestOfN.Verifier.Grading;

/// <summary>A number written in prose: where it starts and the answer text it stands for.</summary>
internal readonly record struct NumberToken(int Start, string Answer);

/// <summary>
/// Finds the last number in prose: an optional sign, digits with valid thousands groups (1,234,567), a decimal part,
/// or a fraction a/b. Digits joined by commas in any other way ("0,111", "2,74", "1,2,3") are a list, kept whole. A
/// number inside a word or an identifier ("#12", "x2", "H2O", "2nd") is not a number.
/// </summary>
internal static class NumberTokens
{
    /// <summary>The last number that starts at or after <paramref name="from"/>, skipping the ranges in <paramref name="masked"/>.</summary>
    public static NumberToken? Last(string text, int from, IReadOnlyList<MathSpan> masked)
    {
        var maskIndex = masked.Count - 1;
        for (var i = text.Length - 1; i >= from; i--)
        {
            while (maskIndex >= 0 && masked[maskIndex].Start > i)
            {
                maskIndex--;
            }

            if (maskIndex >= 0 && i < masked[maskIndex].End)
            {
                i = masked[maskIndex].Start;
                continue;
            }

            if (!char.IsAsciiDigit(text[i]))
            {
                continue;
            }

            var end = i + 1;
            var start = i;
            while (start > from && IsNumberChar(text, start - 1))
            {
                start--;
            }

            // The run may have started with a separator: "x,2" or ".5".
            while (start < end && text[start] is ',' or '/')
            {
                start++;
            }

            if (start > 0 && text[start - 1] == '.' && (start < 2 || !char.IsAsciiDigit(text[start - 2])))
            {
                start--;
            }

            if (start > 0 && text[start - 1] is '-' or '−' && (start < 2 || !IsWordChar(text[start - 2])))
            {
                start--;
            }

            if (IsInsideWord(text, start, end))
            {
                i = start;
                continue;
            }

            return new NumberToken(start, Normalize(text.Substring(start, end - start)));
        }

        return null;
    }

    private static bool IsNumberChar(string text, int at)
    {
        var c = text[at];
        if (char.IsAsciiDigit(c))
        {
            return true;
        }

        // A separator counts only between digits: "1,234", "3.5", "1/5", but not "5." or "(1, 2)".
        return c is ',' or '.' or '/' && at > 0 && at + 1 < text.Length && char.IsAsciiDigit(text[at - 1]) && char.IsAsciiDigit(text[at + 1]);
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is ')' or ']' or '}';

    private static bool IsInsideWord(string text, int start, int end)
    {
        var first = text[start] is '-' or '−' or '.' ? start + 1 : start;
        if (first > 0 && (char.IsLetter(text[first - 1]) || text[first - 1] is '#' or '_' or '@' or '\\'))
        {
            return true;
        }

        // Ordinals ("2nd", "21st"): the digits are a position, not an answer.
        if (end + 1 < text.Length && char.IsAsciiLetter(text[end]) && char.IsAsciiLetter(text[end + 1])
            && (end + 2 >= text.Length || !char.IsLetter(text[end + 2])))
        {
            var suffix = text.AsSpan(end, 2);
            return suffix is "st" or "nd" or "rd" or "th";
        }

        return false;
    }

    private static string Normalize(string token)
    {
        var number = token.Replace('−', '-');
        if (number.Contains(','))
        {
            if (!IsValidThousands(number))
            {
                return number;
            }

            number = number.Replace(",", string.Empty, StringComparison.Ordinal);
        }

        if (number.StartsWith('.'))
        {
            return "0" + number;
        }

        return number.StartsWith("-.", StringComparison.Ordinal) ? "-0" + number.Substring(1) : number;
    }

    /// <summary>1-3 leading digits without a leading zero, then groups of exactly three; a decimal part may follow, no fraction.</summary>
    private static bool IsValidThousands(string number)
    {
        var digits = number.TrimStart('-');
        var point = digits.IndexOf('.');
        var integer = point >= 0 ? digits.Substring(0, point) : digits;
        if (integer.Contains('/') || (point >= 0 && digits.IndexOf(',', point) >= 0))
        {
            return false;
        }

        var groups = integer.Split(',');
        if (groups[0].Length is < 1 or > 3 || groups[0][0] == '0')
        {
            return false;
        }

        for (var g = 1; g < groups.Length; g++)
        {
            if (groups[g].Length != 3)
            {
                return false;
            }
        }

        return true;
    }
}
