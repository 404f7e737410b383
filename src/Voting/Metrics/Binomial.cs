namespace BestOfN.Voting.Metrics;

internal static class Binomial
{
    /// <summary>C(n, k) as a double, by the multiplicative formula; 0 outside 0 ≤ k ≤ n.</summary>
    public static double Choose(int n, int k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }
        k = Math.Min(k, n - k);
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }
        return result;
    }

    /// <summary>C(m, x) for x = 0..upTo (zero beyond m).</summary>
    public static double[] Row(int m, int upTo)
    {
        var row = new double[upTo + 1];
        row[0] = 1;
        for (var x = 1; x <= upTo && x <= m; x++)
        {
            row[x] = row[x - 1] * (m - x + 1) / x;
        }
        return row;
    }

    public static double LogChoose(int n, int k)
    {
        k = Math.Min(k, n - k);
        var result = 0.0;
        for (var i = 1; i <= k; i++)
        {
            result += Math.Log((double)(n - k + i) / i);
        }
        return result;
    }

    private static double[] s_reciprocals = [0];

    /// <summary>A shared table with [i] = 1 / i for i = 1..n (a race only builds the same table twice).</summary>
    public static double[] Reciprocals(int n)
    {
        var table = s_reciprocals;
        if (table.Length > n)
        {
            return table;
        }
        var grown = new double[Math.Max(n + 1, table.Length * 2)];
        for (var i = 1; i < grown.Length; i++) grown[i] = 1.0 / i;
        s_reciprocals = grown;
        return grown;
    }
}
