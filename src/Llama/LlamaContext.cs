using System.Diagnostics;
using BestOfN.Llama.Native;

namespace BestOfN.Llama;

public sealed record LlamaContextOptions
{
    /// <summary>KV cache size in tokens, all sequences together. The default value is 4096.</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Most tokens one decode may take. The default value is 512.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Physical micro-batch size. The default value is 512.</summary>
    public int MicroBatchSize { get; init; } = 512;

    /// <summary>Distinct sequences (at most 256 in llama.cpp v0.5.0). The default value is 1.</summary>
    public int MaxSequences { get; init; } = 1;

    /// <summary>CPU threads; 0 takes every core. The default value is 0.</summary>
    public int Threads { get; init; }

    /// <summary>One KV buffer shared by all sequences (BatchedSampler explains which layout is faster when). The default value is false, as llama.cpp's.</summary>
    public bool KvUnified { get; init; }

    /// <summary>Flash attention: null lets llama.cpp decide (on where the device supports it), true forces it, false turns it off.
    /// On the CPU, flash attention's F16 accumulation moves the last digits with where a sequence's cells lie in the cache; off, a
    /// batched run matches a single-sequence run to float precision. The default value is null.</summary>
    public bool? FlashAttention { get; init; }

    /// <summary>Keep the KV cache in F32 rather than llama.cpp's F16, for logits exact to float precision (parity checks against
    /// another implementation). The default value is false.</summary>
    public bool F32Cache { get; init; }
}

/// <summary>Outcome of llama_decode that is not fatal.</summary>
public enum DecodeStatus { Ok = 0, NoKvSlot = 1, Aborted = 2 }

/// <summary>A llama.cpp context: a KV cache and the logits of the last decode.</summary>
public sealed class LlamaContext : IDisposable
{
    private readonly SafeLlamaContextHandle _handle;
    private readonly nint _memory; // owned by the context

    private LlamaContext(SafeLlamaContextHandle handle, LlamaModel model)
    {
        _handle = handle;
        Model = model;
        _memory = NativeMethods.llama_get_memory(handle);
    }

    public LlamaModel Model { get; }

    public static LlamaContext Create(LlamaModel model, LlamaContextOptions options)
    {
        var p = NativeMethods.llama_context_default_params();
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        p.NCtx = (uint)options.ContextSize;
        p.NBatch = (uint)options.BatchSize;
        p.NUbatch = (uint)Math.Min(options.MicroBatchSize, options.BatchSize);
        p.NSeqMax = (uint)options.MaxSequences;
        p.NThreads = threads;
        p.NThreadsBatch = threads;
        p.KvUnified = options.KvUnified ? (byte)1 : (byte)0;
        p.NoPerf = 1;
        if (options.F32Cache) p.TypeK = p.TypeV = 0; // GGML_TYPE_F32
        if (options.FlashAttention is { } flash) p.FlashAttentionType = flash ? 1 : 0; // LLAMA_FLASH_ATTN_TYPE_ENABLED / _DISABLED
        return new LlamaContext(SafeLlamaContextHandle.Create(model.Handle, p), model);
    }

    public int ContextSize => (int)NativeMethods.llama_n_ctx(_handle);

    /// <summary>KV cells one sequence may use (the whole cache when unified, a share of it otherwise).</summary>
    public int ContextSizePerSequence => (int)NativeMethods.llama_n_ctx_seq(_handle);

    public int BatchSize => (int)NativeMethods.llama_n_batch(_handle);

    public int MaxSequences => (int)NativeMethods.llama_n_seq_max(_handle);

    /// <summary>Time spent inside llama_decode over this context's life, so callers can tell the model's time from their own.</summary>
    public TimeSpan DecodeTime => Stopwatch.GetElapsedTime(0, _decodeTicks);

    private long _decodeTicks;

    /// <summary>Runs the model on the batch. Negative codes from llama.cpp are fatal and throw.</summary>
    public unsafe DecodeStatus Decode(LlamaBatch batch)
    {
        if (batch.Count == 0) return DecodeStatus.Ok;
        int rc;
        var started = Stopwatch.GetTimestamp();
        using (var pinned = batch.Pin()) rc = NativeMethods.llama_decode(_handle, pinned.Native);
        _decodeTicks += Stopwatch.GetTimestamp() - started;
        return rc switch
        {
            0 => DecodeStatus.Ok,
            1 => DecodeStatus.NoKvSlot,
            2 => DecodeStatus.Aborted,
            -1 => throw new LlamaException("llama_decode rejected the batch as invalid (-1): a sequence id beyond the context's, or positions out of order."),
            _ => throw new LlamaException($"llama_decode failed with code {rc}."),
        };
    }

    /// <summary>Copies the logits of a batch row that asked for them. The native buffer is overwritten by the next decode, so it is never handed out.</summary>
    public unsafe void CopyLogits(int batchRow, Span<float> destination)
    {
        var p = NativeMethods.llama_get_logits_ith(_handle, batchRow);
        if (p is null) throw new LlamaException($"No logits for batch row {batchRow}: that row did not request them.");
        var vocab = Model.VocabSize;
        if (destination.Length < vocab) throw new ArgumentException($"Need room for {vocab} logits.", nameof(destination));
        new ReadOnlySpan<float>(p, vocab).CopyTo(destination);
    }

    /// <summary>Reads logits of a row in place for the duration of <paramref name="reader"/> only.</summary>
    public unsafe T ReadLogits<T>(int batchRow, LogitsReader<T> reader)
    {
        var p = NativeMethods.llama_get_logits_ith(_handle, batchRow);
        if (p is null) throw new LlamaException($"No logits for batch row {batchRow}: that row did not request them.");
        return reader(new ReadOnlySpan<float>(p, Model.VocabSize));
    }

    /// <summary>Resolves a batch row's logits for a sampler chain. Resolve rows one at a time (llama.cpp reorders outputs lazily,
    /// and not thread-safely, on first access); the rows can then be sampled from any thread until the next decode.</summary>
    public unsafe LlamaLogitsRow LogitsRow(int batchRow)
    {
        var p = NativeMethods.llama_get_logits_ith(_handle, batchRow);
        if (p is null) throw new LlamaException($"No logits for batch row {batchRow}: that row did not request them.");
        return new LlamaLogitsRow((nint)p, Model.VocabSize);
    }

    public void ClearMemory() => NativeMethods.llama_memory_clear(_memory, true);

    /// <summary>Removes a sequence's cells with positions in [from, to); to = -1 means to the end.</summary>
    public bool RemoveTokens(int sequence, int from, int to) => NativeMethods.llama_memory_seq_rm(_memory, sequence, from, to);

    /// <summary>Shares (unified KV) or copies (split KV) a sequence's cells with positions in [from, to) to another sequence.</summary>
    public void CopySequence(int source, int destination, int from = -1, int to = -1) =>
        NativeMethods.llama_memory_seq_cp(_memory, source, destination, from, to);

    /// <summary>The largest position stored for a sequence, or -1 when it is empty.</summary>
    public int SequenceMaxPosition(int sequence) => NativeMethods.llama_memory_seq_pos_max(_memory, sequence);

    public void Dispose() => _handle.Dispose();
}

public delegate T LogitsReader<out T>(ReadOnlySpan<float> logits);

/// <summary>
/// A row of logits inside llama.cpp's output buffer, handed to a <see cref="LlamaSamplerChain"/>. It is opaque on purpose: the next
/// decode overwrites the buffer, so the row is never exposed as memory that could be read after that.
/// </summary>
public readonly struct LlamaLogitsRow
{
    internal LlamaLogitsRow(nint address, int length)
    {
        Address = address;
        Length = length;
    }

    internal nint Address { get; }

    public int Length { get; }
}
