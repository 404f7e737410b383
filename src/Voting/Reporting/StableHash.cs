namespace BestOfN.Voting.Reporting;

/// <summary>FNV-1a over UTF-16 code units: stable across processes, unlike string.GetHashCode, so seeds derived from names repeat.</summary>
internal static class StableHash
{
    public static long Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }
        return (long)hash;
    }
}
