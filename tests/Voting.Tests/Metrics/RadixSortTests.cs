using BestOfN.Voting.Metrics;
using FsCheck.Xunit;

namespace BestOfN.Voting.Tests.Metrics;

public class RadixSortTests
{
    [Property(MaxTest = 200)]
    public void Sorts_like_array_sort(int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, random.Next(300)).Select(_ => (random.Next(6)) switch
        {
            0 => Math.Round(random.NextDouble() * 4) / 4,
            1 => -random.NextDouble() * 1e300,
            2 => random.NextDouble() < 0.5 ? double.NegativeInfinity : double.PositiveInfinity,
            3 => random.NextDouble() < 0.5 ? 0.0 : -0.0,
            4 => double.Epsilon * random.Next(3),
            _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
        }).ToArray();
        var expected = (double[])values.Clone();
        Array.Sort(expected);
        RadixSort.Sort(values);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(expected[i] == values[i], $"index {i}: {expected[i]} vs {values[i]}");
        }
    }
}
