using System.Runtime.InteropServices;
using BestOfN.Llama.Native;

namespace BestOfN.Llama;

/// <summary>
/// A batch kept in managed arrays and pinned only around llama_decode, so there is no native
/// llama_batch_init/free lifetime to leak. Each row may belong to several sequences.
/// </summary>
public sealed class LlamaBatch
{
    private readonly int[] _tokens;
    private readonly int[] _positions;
    private readonly int[] _seqCounts;
    private readonly int[] _seqIds; // row-major, MaxSequencesPerToken per row
    private readonly sbyte[] _logits;

    public LlamaBatch(int capacity, int maxSequencesPerToken = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequencesPerToken, 1);
        Capacity = capacity;
        MaxSequencesPerToken = maxSequencesPerToken;
        _tokens = new int[capacity];
        _positions = new int[capacity];
        _seqCounts = new int[capacity];
        _seqIds = new int[capacity * maxSequencesPerToken];
        _logits = new sbyte[capacity];
    }

    public int Capacity { get; }

    public int MaxSequencesPerToken { get; }

    public int Count { get; private set; }

    /// <summary>Rows that asked for logits.</summary>
    public int OutputCount { get; private set; }

    public void Clear()
    {
        Count = 0;
        OutputCount = 0;
    }

    /// <summary>Adds a token and returns its row, which indexes its logits after the decode.</summary>
    public int Add(LlamaToken token, int position, int sequence, bool logits)
    {
        Span<int> one = [sequence];
        return Add(token, position, one, logits);
    }

    public int Add(LlamaToken token, int position, ReadOnlySpan<int> sequences, bool logits)
    {
        if (Count == Capacity) throw new InvalidOperationException($"The batch is full ({Capacity} tokens).");
        if (sequences.Length is 0 || sequences.Length > MaxSequencesPerToken)
            throw new ArgumentException($"A token needs 1 to {MaxSequencesPerToken} sequence ids, got {sequences.Length}.", nameof(sequences));
        var row = Count++;
        _tokens[row] = token.Id;
        _positions[row] = position;
        _seqCounts[row] = sequences.Length;
        sequences.CopyTo(_seqIds.AsSpan(row * MaxSequencesPerToken));
        _logits[row] = logits ? (sbyte)1 : (sbyte)0;
        if (logits) OutputCount++;
        return row;
    }

    internal PinnedBatch Pin() => new(this);

    internal sealed unsafe class PinnedBatch : IDisposable
    {
        private readonly GCHandle[] _handles;
        private readonly nint[] _seqPointers;
        private readonly GCHandle _seqPointersHandle;

        public PinnedBatch(LlamaBatch batch)
        {
            _handles =
            [
                GCHandle.Alloc(batch._tokens, GCHandleType.Pinned),
                GCHandle.Alloc(batch._positions, GCHandleType.Pinned),
                GCHandle.Alloc(batch._seqCounts, GCHandleType.Pinned),
                GCHandle.Alloc(batch._seqIds, GCHandleType.Pinned),
                GCHandle.Alloc(batch._logits, GCHandleType.Pinned),
            ];
            var seqBase = (int*)_handles[3].AddrOfPinnedObject();
            _seqPointers = new nint[batch.Count];
            for (var i = 0; i < batch.Count; i++) _seqPointers[i] = (nint)(seqBase + i * batch.MaxSequencesPerToken);
            _seqPointersHandle = GCHandle.Alloc(_seqPointers, GCHandleType.Pinned);
            Native = new LlamaBatchNative
            {
                NTokens = batch.Count,
                Token = (int*)_handles[0].AddrOfPinnedObject(),
                Embd = null,
                Pos = (int*)_handles[1].AddrOfPinnedObject(),
                NSeqId = (int*)_handles[2].AddrOfPinnedObject(),
                SeqId = (int**)_seqPointersHandle.AddrOfPinnedObject(),
                Logits = (sbyte*)_handles[4].AddrOfPinnedObject(),
            };
        }

        public LlamaBatchNative Native { get; }

        public void Dispose()
        {
            foreach (var h in _handles) h.Free();
            _seqPointersHandle.Free();
        }
    }
}
