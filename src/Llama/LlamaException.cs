namespace BestOfN.Llama;

/// <summary>A failure of the native llama.cpp layer, with a message that says what to do.</summary>
public sealed class LlamaException(string message, Exception? inner = null) : Exception(message, inner);

