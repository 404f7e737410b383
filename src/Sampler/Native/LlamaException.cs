namespace BestOfN.Sampler.Native;

/// <summary>A failure of the native llama.cpp layer, with a message that says what to do.</summary>
public sealed class LlamaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>llama_decode found no KV slot for the batch (return code 1): retry with a smaller batch or a larger context.</summary>
public sealed class LlamaNoKvSlotException(string message) : Exception(message);
