namespace BestOfN.Llama;

/// <summary>A token id of a model's vocabulary.</summary>
public readonly record struct LlamaToken(int Id)
{
    public override string ToString() => Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One message of a chat, as llama_chat_apply_template takes it.</summary>
public sealed record ChatMessage(string Role, string Content);
