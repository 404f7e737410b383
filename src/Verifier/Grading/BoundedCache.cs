using System.Collections.Concurrent;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// A thread-safe memo table that empties itself when full. Entries are pure functions of their keys, so dropping them
/// never changes a result. The count is kept separately: ConcurrentDictionary.Count takes every lock of the table.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new(comparer);
    private int _count;

    public bool Enabled => capacity > 0;

    public bool TryGet(TKey key, out TValue value)
    {
        if (!Enabled)
        {
            value = default!;
            return false;
        }

        return _entries.TryGetValue(key, out value!);
    }

    public void Add(TKey key, TValue value)
    {
        if (!Enabled)
        {
            return;
        }

        if (Volatile.Read(ref _count) >= capacity)
        {
            _entries.Clear();
            Volatile.Write(ref _count, 0);
        }

        if (_entries.TryAdd(key, value))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
