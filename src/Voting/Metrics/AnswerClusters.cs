namespace BestOfN.Voting.Metrics;

/// <summary>
/// The samples of one problem grouped by answer key. Samples with an empty key abstain: they fill subset slots but
/// never win a vote. All samples of one key must share their correctness.
/// </summary>
internal sealed class AnswerClusters
{
    public AnswerClusters(IReadOnlyList<string> answerKeys, IReadOnlyList<bool> correct)
    {
        if (answerKeys.Count != correct.Count)
        {
            throw new ArgumentException("answer keys and correct flags differ in length");
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sizes = new List<int>();
        var clusterCorrect = new List<bool>();
        ClusterOfSample = new int[answerKeys.Count];
        for (var i = 0; i < answerKeys.Count; i++)
        {
            var key = answerKeys[i];
            if (key.Length == 0)
            {
                ClusterOfSample[i] = -1;
                AbstainCount++;
                continue;
            }
            if (!index.TryGetValue(key, out var c))
            {
                c = sizes.Count;
                index.Add(key, c);
                sizes.Add(0);
                clusterCorrect.Add(correct[i]);
            }
            else if (clusterCorrect[c] != correct[i])
            {
                throw new ArgumentException($"answer key '{key}' is graded both correct and incorrect; one key must have one verdict");
            }
            sizes[c]++;
            ClusterOfSample[i] = c;
        }
        Sizes = [.. sizes];
        IsCorrect = [.. clusterCorrect];
    }

    public int SampleCount => ClusterOfSample.Length;

    public int AbstainCount { get; }

    public int[] Sizes { get; }

    public bool[] IsCorrect { get; }

    /// <summary>Cluster index per sample, -1 for abstaining samples.</summary>
    public int[] ClusterOfSample { get; }
}
