using System.Text;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// Accumulates a sample's text from token bytes and finds the first stop string, which may span tokens.
/// Bytes are decoded incrementally, so a character split across byte-fallback tokens is never mangled.
/// </summary>
public sealed class StopStringMatcher(IReadOnlyList<string> stopStrings)
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly StringBuilder _text = new();
    private readonly int _longest = stopStrings.Count == 0 ? 0 : stopStrings.Max(s => s.Length);
    private char[] _chars = new char[64];

    /// <summary>The text so far; once stopped, the text before the stop string.</summary>
    public string Text => _text.ToString();

    public bool Stopped { get; private set; }

    /// <summary>The stop string that ended the text, if any.</summary>
    public string? MatchedStop { get; private set; }

    /// <summary>Appends a token's bytes; returns true when a stop string is now complete.</summary>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        if (Stopped) return true;
        var needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        var n = _decoder.GetChars(bytes, _chars, flush: false);
        if (n == 0 || _longest == 0)
        {
            _text.Append(_chars, 0, n);
            return false;
        }
        // Only a window that reaches into the new characters can hold a newly completed stop string.
        var searchFrom = Math.Max(0, _text.Length - (_longest - 1));
        _text.Append(_chars, 0, n);
        var window = _text.ToString(searchFrom, _text.Length - searchFrom);
        var best = -1;
        foreach (var stop in stopStrings)
        {
            var at = window.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) { best = at; MatchedStop = stop; }
        }
        if (best < 0) return false;
        _text.Length = searchFrom + best;
        Stopped = true;
        return true;
    }
}
