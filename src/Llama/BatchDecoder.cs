namespace BestOfN.Llama;

/// <summary>Adds a slice of work items to a cleared batch.</summary>
public delegate void BatchFiller<T>(LlamaBatch batch, ReadOnlySpan<T> items);

/// <summary>Reads the results of a decoded slice of work items.</summary>
public delegate void BatchReader<T>(ReadOnlySpan<T> items);

/// <summary>
/// The decode loop the sampler and the scorer share: prefill a run of tokens on one sequence, and decode a batch of work items,
/// halving it on "no KV slot" and retrying each half in order, as llama.cpp's examples/parallel does. Other failures throw.
/// </summary>
public static class BatchDecoder
{
    /// <summary>Decodes <paramref name="tokens"/> at positions 0… of <paramref name="sequence"/>, a batch at a time. Returns the decode calls made.</summary>
    /// <param name="logitsForLast">Ask for the last token's logits (batch row <c>batch.Count - 1</c> afterwards).</param>
    public static int Prefill(LlamaContext context, LlamaBatch batch, ReadOnlySpan<LlamaToken> tokens, int sequence, bool logitsForLast)
    {
        var calls = 0;
        for (var offset = 0; offset < tokens.Length; offset += batch.Capacity)
        {
            batch.Clear();
            var end = Math.Min(tokens.Length, offset + batch.Capacity);
            for (var i = offset; i < end; i++) batch.Add(tokens[i], i, sequence, logits: logitsForLast && i == tokens.Length - 1);
            calls++;
            var status = context.Decode(batch);
            if (status != DecodeStatus.Ok)
                throw new LlamaException($"Prefill of {tokens.Length} tokens failed ({status}): they do not fit the KV cache of {context.ContextSize} cells.");
        }
        return calls;
    }

    /// <summary>Fills the batch with <paramref name="items"/>, decodes it and reads the results. Returns the decode calls made.</summary>
    public static int Decode<T>(LlamaContext context, LlamaBatch batch, ReadOnlySpan<T> items, BatchFiller<T> fill, BatchReader<T> read)
    {
        batch.Clear();
        fill(batch, items);
        var status = context.Decode(batch);
        if (status == DecodeStatus.NoKvSlot && items.Length > 1)
        {
            var half = items.Length / 2;
            return 1 + Decode(context, batch, items[..half], fill, read) + Decode(context, batch, items[half..], fill, read);
        }
        if (status != DecodeStatus.Ok)
            throw new LlamaException($"llama_decode: {status} with {batch.Count} tokens; the KV cache ({context.ContextSize} cells) is too small.");
        read(items);
        return 1;
    }
}
