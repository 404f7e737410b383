using System.CommandLine;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;

namespace BestOfN.Cli.Options;

/// <summary>The prompt options, declared once for <c>run</c> and <c>sample</c>, each with its own defaults.</summary>
internal sealed class PromptOptionGroup(PromptOptions defaults) : IOptionGroup
{
    public Option<PromptFormat> Format { get; } = new("--prompt") { Description = "Prompt format: Raw, Chat, FewShot or Messages", DefaultValueFactory = _ => defaults.Format };
    public Option<string?> System { get; } = new("--system") { Description = "System prompt for --prompt chat", DefaultValueFactory = _ => defaults.SystemPrompt };
    public Option<string?> ChatTemplate { get; } = new("--chat-template") { Description = "Built-in template name (llama3, chatml, mistral-v7, ...) instead of the model's" };
    public Option<string?> FewShotFile { get; } = new("--fewshot-file") { Description = "Exemplar source for --prompt fewshot, e.g. gsm8k:train.jsonl" };
    public Option<int> FewShotK { get; } = new("--fewshot-k") { Description = "Exemplars per prompt", DefaultValueFactory = _ => defaults.FewShotCount };
    public Option<FileInfo> MessagesFile { get; } = new Option<FileInfo>("--messages-file") { Description = "JSON list of {role, content} messages with {question} in one of them" }.AcceptExistingOnly();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Format, System, ChatTemplate, FewShotFile, FewShotK, MessagesFile }) command.Options.Add(option);
    }

    public PromptOptions Read(ParseResult pr) => defaults with
    {
        Format = pr.GetValue(Format),
        // A system prompt only means something to a chat prompt; a default one is dropped for the other formats.
        SystemPrompt = pr.GetValue(Format) == PromptFormat.Chat || pr.GetResult(System) is { Implicit: false } ? pr.GetValue(System) : null,
        ChatTemplate = pr.GetValue(ChatTemplate),
        FewShotSource = pr.GetValue(FewShotFile) is { } f ? DatasetSpec.Parse(f) : null,
        FewShotCount = pr.GetValue(FewShotK),
        MessagesFile = pr.GetValue(MessagesFile)?.FullName,
    };
}
