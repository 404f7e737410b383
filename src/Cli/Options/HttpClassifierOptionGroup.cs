using System.CommandLine;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Options;

/// <summary>The options of <c>score --protocol http-classifier</c>: the endpoint, its JSON field names, and the resilience pipeline.</summary>
internal sealed class HttpClassifierOptionGroup : IOptionGroup
{
    public Option<string?> Url { get; } = new("--url") { Description = "http-classifier: the endpoint, e.g. http://host:8000/classify (an API key, if any, from OPENAI_API_KEY)" };
    public Option<string?> ClassifierModel { get; } = new("--classifier-model") { Description = "http-classifier: the model name sent in --model-field (none when absent)" };
    public Option<string> ModelField { get; } = new("--model-field") { Description = "http-classifier: request field of the model name", DefaultValueFactory = _ => HttpClassifierDefaults.ModelField };
    public Option<string> InputField { get; } = new("--input-field") { Description = "http-classifier: request field of the list of texts (question, a space, the answer)", DefaultValueFactory = _ => HttpClassifierDefaults.InputField };
    public Option<string> ResultsField { get; } = new("--results-field") { Description = "http-classifier: response field of the results, one per text in order", DefaultValueFactory = _ => HttpClassifierDefaults.ResultsField };
    public Option<string> ValuesField { get; } = new("--values-field") { Description = "http-classifier: field of a result holding its score, or a list of them", DefaultValueFactory = _ => HttpClassifierDefaults.ValuesField };
    public Option<int> ValueIndex { get; } = new("--value-index") { Description = "http-classifier: entry of a list value that is the score (the positive class)", DefaultValueFactory = _ => HttpClassifierDefaults.ValueIndex };
    public ResilienceOptionGroup Resilience { get; } = new();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Url, ClassifierModel, ModelField, InputField, ResultsField, ValuesField, ValueIndex }) command.Options.Add(option);
        Resilience.AddTo(command);
    }

    /// <summary><paramref name="scorer"/> with the endpoint's options set.</summary>
    public ScorerOptions Read(ParseResult pr, ScorerOptions scorer) => scorer with
    {
        Http = new HttpClassifierOptions
        {
            ModelName = pr.GetValue(ClassifierModel),
            ModelField = pr.GetValue(ModelField)!,
            InputField = pr.GetValue(InputField)!,
            ResultsField = pr.GetValue(ResultsField)!,
            ValuesField = pr.GetValue(ValuesField)!,
            ValueIndex = pr.GetValue(ValueIndex),
        },
        Resilience = Resilience.Read(pr),
    };
}
