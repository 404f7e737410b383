using System.Text;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// Replaces lone UTF-16 surrogates, raw or escaped as <c>\ud800</c> in JSON text, with U+FFFD. System.Text.Json parses
/// such a line but throws when the string is read or written, so each is replaced before parsing, as a UTF-8 decoder does.
/// </summary>
internal static class LoneSurrogates
{
    public const char Replacement = '\uFFFD';

    /// <summary>The JSON text with every lone surrogate, raw or escaped, replaced; the same instance when there is none.</summary>
    public static string ReplaceInJson(string json)
    {
        StringBuilder? fixedText = null;
        var copiedUpTo = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
                {
                    i++;
                    continue;
                }

                Replace(i, 1);
                continue;
            }

            if (c != '\\' || i + 1 >= json.Length)
            {
                continue;
            }

            if (json[i + 1] != 'u')
            {
                // Skips the escaped character, so "\\ud800" (a backslash, then text) is left alone; a surrogate after a
                // backslash is not skipped, as it may be half of a pair.
                if (!char.IsSurrogate(json[i + 1]))
                {
                    i++;
                }

                continue;
            }

            if (!TryHex(json, i + 2, out var unit))
            {
                i++;
                continue;
            }

            if (char.IsHighSurrogate(unit) && json.Length >= i + 12 && json[i + 6] == '\\' && json[i + 7] == 'u'
                && TryHex(json, i + 8, out var low) && char.IsLowSurrogate(low))
            {
                i += 11;
                continue;
            }

            if (char.IsSurrogate(unit))
            {
                Replace(i, 6);
            }

            i += 5;
        }

        if (fixedText is null)
        {
            return json;
        }

        fixedText.Append(json, copiedUpTo, json.Length - copiedUpTo);
        return fixedText.ToString();

        void Replace(int at, int length)
        {
            fixedText ??= new StringBuilder(json.Length);
            fixedText.Append(json, copiedUpTo, at - copiedUpTo).Append(Replacement);
            copiedUpTo = at + length;
        }
    }

    /// <summary>The text with every lone surrogate replaced; for strings written into JSON output.</summary>
    public static string ReplaceInText(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = Replacement;
            }
        }

        return new string(chars);
    }

    private static bool TryHex(string text, int start, out char unit)
    {
        unit = '\0';
        if (start + 4 > text.Length)
        {
            return false;
        }

        var value = 0;
        for (var k = start; k < start + 4; k++)
        {
            var digit = HexDigit(text[k]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        unit = (char)value;
        return true;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
