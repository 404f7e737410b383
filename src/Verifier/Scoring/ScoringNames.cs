namespace BestOfN.Verifier.Scoring;

/// <summary>Where an answer's steps end.</summary>
public enum StepSplit
{
    /// <summary>"ки\n" when the answer contains the ки tag (Mistral-style data), otherwise a blank line.</summary>
    Auto,

    /// <summary>"ки\n", as RLHFlow's Mistral-style data.</summary>
    Ki,

    /// <summary>"\n\n", as RLHFlow's Deepseek-style data.</summary>
    BlankLine,
}

/// <summary>
/// How the llama.cpp scorer lays out its KV cache for a batch of answers (llama.cpp's kv_unified). Split gives each answer a stream of
/// its own, so attention runs over that answer's cells only (faster at large batches, see the README's Benchmarks), but each stream
/// holds a copy of the prefix and is padded to 256 cells, so the cache takes batch x the longest sequence.
/// </summary>
public enum KvLayout
{
    /// <summary>Per batch: split when batch x the longest sequence of the batch (rounded up to llama.cpp's 256-cell padding) fits the
    /// --ctx-size cells, so split never takes more KV memory than the unified cache asked for; unified otherwise.</summary>
    Auto,

    /// <summary>One cache for the batch: the prefix cells are shared by reference, every answer attends over the whole batch's cells.</summary>
    Unified,

    /// <summary>A stream per answer of --ctx-size / --batch cells; an answer longer than a stream fails.</summary>
    Split,
}

/// <summary>What becomes of a step that is empty once stripped (RLHFlow protocols).</summary>
public enum EmptySteps
{
    /// <summary>Scored as a turn of its own, as RLHFlow's prm_evaluate.py does; an empty answer is one empty step.</summary>
    Keep,

    /// <summary>Left out; an answer with no step left is not scored (<see cref="ScoreStatus.NoCompleteStep"/>).</summary>
    Drop,
}

/// <summary>What became of one answer's scoring. A failure of one answer is data, never an exception that stops a run.</summary>
public enum ScoreStatus
{
    /// <summary>Every step was scored.</summary>
    Ok,

    /// <summary>The answer ran past the longest sequence the scorer takes; only the steps before the cut were scored.</summary>
    Truncated,

    /// <summary>The answer has no complete step (empty after splitting, or no step tag), so nothing was scored.</summary>
    NoCompleteStep,
}

/// <summary>The names of step splits and score statuses, as typed and stored.</summary>
public static class ScoringNames
{
    public static string Name(this StepSplit split) => split switch
    {
        StepSplit.Auto => "auto",
        StepSplit.Ki => "ki",
        StepSplit.BlankLine => "blank-line",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    /// <summary>"keep" or "drop", as typed and stored.</summary>
    public static string Name(this EmptySteps empty) => empty switch
    {
        EmptySteps.Keep => "keep",
        EmptySteps.Drop => "drop",
        _ => throw new ArgumentOutOfRangeException(nameof(empty)),
    };

    /// <summary>"auto", "unified" or "split", as typed.</summary>
    public static string Name(this KvLayout layout) => layout switch
    {
        KvLayout.Auto => "auto",
        KvLayout.Unified => "unified",
        KvLayout.Split => "split",
        _ => throw new ArgumentOutOfRangeException(nameof(layout)),
    };

    /// <summary>"ok", "truncated" or "no-complete-step", as stored.</summary>
    public static string Name(this ScoreStatus status) => status switch
    {
        ScoreStatus.Ok => "ok",
        ScoreStatus.Truncated => "truncated",
        ScoreStatus.NoCompleteStep => "no-complete-step",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>The dataset styles of RLHFlow's sets: "mistral" steps end with "ки\n", "deepseek" steps with a blank line.</summary>
    public static IReadOnlyList<string> StyleNames { get; } = ["mistral", "deepseek"];

    /// <summary>The split a dataset style means: mistral is <see cref="StepSplit.Ki"/>, deepseek <see cref="StepSplit.BlankLine"/>.</summary>
    public static bool TryParseStyle(string? name, out StepSplit split)
    {
        split = string.Equals(name, "mistral", StringComparison.OrdinalIgnoreCase) ? StepSplit.Ki
            : string.Equals(name, "deepseek", StringComparison.OrdinalIgnoreCase) ? StepSplit.BlankLine : StepSplit.Auto;
        return split != StepSplit.Auto;
    }

    public static bool TryParseStepSplit(string name, out StepSplit split) => TryParse(name, Enum.GetValues<StepSplit>(), s => s.Name(), out split);

    public static bool TryParseEmptySteps(string name, out EmptySteps empty) => TryParse(name, Enum.GetValues<EmptySteps>(), s => s.Name(), out empty);

    public static bool TryParseKvLayout(string name, out KvLayout layout) => TryParse(name, Enum.GetValues<KvLayout>(), s => s.Name(), out layout);

    public static bool TryParseStatus(string name, out ScoreStatus status) => TryParse(name, Enum.GetValues<ScoreStatus>(), s => s.Name(), out status);

    private static bool TryParse<T>(string name, IEnumerable<T> values, Func<T, string> nameOf, out T value) where T : struct
    {
        foreach (var v in values)
        {
            if (string.Equals(nameOf(v), name, StringComparison.OrdinalIgnoreCase) || string.Equals(v.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}
