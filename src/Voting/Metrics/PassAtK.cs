namespace BestOfN.Voting.Metrics;

/// <summary>
/// Unbiased pass@k of Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1 and Fig. 3:
/// pass@k = 1 - C(n-c, k) / C(n, k), computed as 1 - Π_{i=n-c+1}^{n} (1 - k/i) so no binomial is ever formed.
/// It is also the oracle line: the chance that a random k-subset contains at least one correct sample.
/// </summary>
public static class PassAtK
{
    public static double Compute(int n, int c, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(c, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        if (n - c < k)
        {
            return 1.0;
        }
        var allWrong = 1.0;
        for (var i = n - c + 1; i <= n; i++)
        {
            allWrong *= 1.0 - (double)k / i;
        }
        return 1.0 - allWrong;
    }
}
