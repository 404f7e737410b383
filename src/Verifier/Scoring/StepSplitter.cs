namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Splits an answer into steps as RLHFlow's prm_evaluate.py does: on "ки\n" or "\n\n", each step stripped the Python way. By default
/// empty steps are kept and scored as turns of their own, as the reference does (an empty answer is one empty step);
/// <see cref="EmptySteps.Drop"/> drops them.
/// </summary>
public static class StepSplitter
{
    public const string KiTag = "ки";
    public const string KiSeparator = "ки\n";
    public const string BlankLineSeparator = "\n\n";

    /// <summary>The separator <paramref name="split"/> means for this answer (Auto looks for the ки tag).</summary>
    public static StepSplit Resolve(StepSplit split, string answer) =>
        split != StepSplit.Auto ? split : answer.Contains(KiTag, StringComparison.Ordinal) ? StepSplit.Ki : StepSplit.BlankLine;

    public static IReadOnlyList<string> Split(string answer, StepSplit split, EmptySteps empty = EmptySteps.Keep)
    {
        var separator = Resolve(split, answer) == StepSplit.Ki ? KiSeparator : BlankLineSeparator;
        var steps = new List<string>();
        foreach (var part in answer.Split(separator))
        {
            var step = PythonStrip(part);
            if (step.Length > 0 || empty == EmptySteps.Keep) steps.Add(step);
        }
        return steps;
    }

    /// <summary>
    /// Python's <c>str.strip()</c> with no argument, which Jinja's <c>trim</c> is: surrounding whitespace, Unicode included, and the
    /// separators U+001C–U+001F, which .NET does not count as whitespace. llama.cpp's template code strips ASCII whitespace only.
    /// </summary>
    public static string PythonStrip(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsPythonSpace(text[start])) start++;
        while (end > start && IsPythonSpace(text[end - 1])) end--;
        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (every Python whitespace character is in the BMP).</summary>
    public static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>
    /// The answer as Math-Shepherd reads it: unchanged when it carries step tags; otherwise (blank-line steps) tagged as search-and-learn
    /// does for Math-Shepherd, each "\n\n" becoming " ки\n\n" and a final " ки" added unless the answer ends with a blank line.
    /// </summary>
    public static string WithStepTags(string answer, StepSplit split, string tag = KiTag)
    {
        // Tagged already, declared ки-style (then an untagged answer has no step), or nothing to tag.
        if (answer.Contains(tag, StringComparison.Ordinal) || split == StepSplit.Ki || answer.Trim().Length == 0) return answer;
        var tagged = answer.Replace(BlankLineSeparator, $" {tag}{BlankLineSeparator}", StringComparison.Ordinal);
        return tagged.EndsWith(BlankLineSeparator, StringComparison.Ordinal) ? tagged : tagged + " " + tag;
    }

    /// <summary>The answer as RLHFlow's ORM reads it: " ки" tags removed from Mistral-style answers.</summary>
    public static string ForOutcome(string answer, StepSplit split) =>
        Resolve(split, answer) == StepSplit.Ki ? answer.Replace(" " + KiTag, "", StringComparison.Ordinal) : answer;
}
