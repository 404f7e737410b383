using System.Text;

namespace BestOfN.Verifier.Grading;

/// <summary>One line of a JSONL stream: its 1-based number and its text, or null text when it was longer than the limit.</summary>
internal readonly record struct JsonlLine(int Number, string? Text);

/// <summary>
/// Splits a stream into lines at '\n' only, dropping one '\r' before it: a bare '\r' is part of the line, unlike
/// <see cref="TextReader.ReadLine"/>, so the output joins 1:1 with what other JSONL tools count as lines. A line longer
/// than the limit is skipped to its end without being kept in memory.
/// </summary>
internal sealed class JsonlLineReader(TextReader input, int maxLineLength)
{
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;
    private int _number;

    public bool TryRead(out JsonlLine line)
    {
        _line.Clear();
        var tooLong = false;
        var sawAny = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = input.Read(_buffer, 0, _buffer.Length);
                if (_end <= 0)
                {
                    _end = 0;
                    if (!sawAny)
                    {
                        line = default;
                        return false;
                    }

                    line = Finish(tooLong);
                    return true;
                }
            }

            sawAny = true;
            var newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            var chunkEnd = newline < 0 ? _end : newline;
            if (!tooLong)
            {
                if (_line.Length + (chunkEnd - _start) > maxLineLength + 1)
                {
                    // One more character than the limit is allowed for the '\r' of a CRLF ending.
                    tooLong = true;
                    _line.Clear();
                }
                else
                {
                    _line.Append(_buffer, _start, chunkEnd - _start);
                }
            }

            if (newline >= 0)
            {
                _start = newline + 1;
                line = Finish(tooLong);
                return true;
            }

            _start = _end;
        }
    }

    private JsonlLine Finish(bool tooLong)
    {
        _number++;
        if (tooLong)
        {
            return new JsonlLine(_number, null);
        }

        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }

        if (_line.Length > maxLineLength)
        {
            return new JsonlLine(_number, null);
        }

        return new JsonlLine(_number, _line.ToString());
    }
}
