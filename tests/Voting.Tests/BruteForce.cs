namespace BestOfN.Voting.Tests;

/// <summary>
/// Independent reference: averages each metric over every k-subset, with ties settled the way the issue states
/// (uniform tie breaking, so a tie contributes the fraction of tied candidates that are correct).
/// </summary>
internal static class BruteForce
{
    public static IEnumerable<int[]> Subsets(int n, int k)
    {
        return Recurse(0, []);

        IEnumerable<int[]> Recurse(int from, List<int> chosen)
        {
            if (chosen.Count == k)
            {
                yield return [.. chosen];
                yield break;
            }
            for (var i = from; i <= n - (k - chosen.Count); i++)
            {
                chosen.Add(i);
                foreach (var s in Recurse(i + 1, chosen)) yield return s;
                chosen.RemoveAt(chosen.Count - 1);
            }
        }
    }

    public static double Pass(IReadOnlyList<bool> correct, int k) =>
        Subsets(correct.Count, k).Average(s => s.Any(i => correct[i]) ? 1.0 : 0.0);

    public static double Majority(IReadOnlyList<string> keys, IReadOnlyList<bool> correct, int k) =>
        WeightedMajority(keys, correct, keys.Select(_ => 1.0).ToArray(), k);

    public static double WeightedMajority(IReadOnlyList<string> keys, IReadOnlyList<bool> correct, IReadOnlyList<double> weights, int k) =>
        Subsets(keys.Count, k).Average(subset =>
        {
            var totals = new Dictionary<string, double>();
            var keyCorrect = new Dictionary<string, bool>();
            foreach (var i in subset.Where(i => keys[i] != ""))
            {
                totals[keys[i]] = totals.GetValueOrDefault(keys[i]) + weights[i];
                keyCorrect[keys[i]] = correct[i];
            }
            if (totals.Count == 0) return 0.0;
            var top = totals.Values.Max();
            var winners = totals.Where(t => t.Value >= top - BestOfN.Voting.Metrics.WeightedMajorityVote.RelativeTieTolerance * Math.Abs(top)).Select(t => t.Key).ToList();
            return winners.Count(w => keyCorrect[w]) / (double)winners.Count;
        });

    public static double BestOfK(IReadOnlyList<double> rewards, IReadOnlyList<bool> correct, int k) =>
        Subsets(rewards.Count, k).Average(subset =>
        {
            var top = subset.Max(i => rewards[i]);
            var winners = subset.Where(i => rewards[i] == top).ToList();
            return winners.Count(i => correct[i]) / (double)winners.Count;
        });
}

/// <summary>A small random problem: keys from a short alphabet (so votes tie), "" for no answer, coarse rewards (so rewards tie).</summary>
internal sealed record SmallProblem(string[] Keys, bool[] Correct, double[] Rewards, double[] Weights)
{
    public int N => Keys.Length;

    public static SmallProblem Generate(int seed, int maxN = 12)
    {
        var random = new Random(seed);
        var n = 1 + random.Next(maxN);
        var alphabet = new[] { "a", "b", "c", "d", "e" }.Take(1 + random.Next(5)).ToArray();
        var correctKeys = alphabet.Where(_ => random.NextDouble() < 0.4).ToHashSet();
        var keys = new string[n];
        var correct = new bool[n];
        var rewards = new double[n];
        var weights = new double[n];
        var coarse = random.NextDouble() < 0.5;
        for (var i = 0; i < n; i++)
        {
            keys[i] = random.NextDouble() < 0.1 ? "" : alphabet[random.Next(alphabet.Length)];
            correct[i] = keys[i] == "" ? random.NextDouble() < 0.2 : correctKeys.Contains(keys[i]);
            rewards[i] = coarse ? random.Next(4) / 4.0 : random.NextDouble();
            // Dyadic weights add up exactly, so weighted ties are real ties in any summation order.
            weights[i] = random.Next(5) / 8.0;
        }
        return new SmallProblem(keys, correct, rewards, weights);
    }
}
