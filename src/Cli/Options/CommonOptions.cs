using System.CommandLine;
using BestOfN.Pipeline;

namespace BestOfN.Cli.Options;

/// <summary>Options several commands declare alike.</summary>
internal static class CommonOptions
{
    public static Option<string> Extraction() =>
        new Option<string>("--extraction") { Description = "Answer extraction: flexible, math-strict, gsm8k-strict or multi-part (several boxes joined as a tuple)", DefaultValueFactory = _ => PipelineDefaults.Extraction }
            .OneOf("flexible", "math-strict", "gsm8k-strict", "multi-part");

    /// <summary>Accepts only these values (any case), with an error that names the option, the values and what was given.</summary>
    public static Option<string> OneOf(this Option<string> option, params string[] values)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !values.Contains(value, StringComparer.OrdinalIgnoreCase))
                result.AddError($"{option.Name} must be {string.Join(", ", values[..^1])}{(values.Length > 1 ? " or " : "")}{values[^1]}, got '{value}'.");
        });
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>Like <see cref="OneOf(Option{string}, string[])"/> for each value of a repeatable option.</summary>
    public static Option<string[]> EachOneOf(this Option<string[]> option, params string[] values)
    {
        option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!values.Contains(value, StringComparer.OrdinalIgnoreCase))
                    result.AddError($"{option.Name} must be {string.Join(", ", values)}, got '{value}'.");
            }
        });
        return option;
    }

    /// <summary>A comma-separated id list, or null when the option was not given.</summary>
    public static IReadOnlyCollection<string>? SplitIds(string? ids) => ids?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
