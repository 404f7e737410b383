using System.Globalization;
using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Synthetic;

/// <summary>
/// Seeded synthetic inputs shaped like a best-of-N run on MATH/GSM8K, for benchmarks and tests: per problem a hidden
/// accuracy, one correct key, a handful of wrong keys with skewed popularity, a few samples with no answer, ORM
/// scores and PRM step scores that lean towards correct samples, and level/subject fields.
/// </summary>
public static class SyntheticSamples
{
    private static readonly string[] Subjects =
        ["Algebra", "Counting & Probability", "Geometry", "Intermediate Algebra", "Number Theory", "Prealgebra", "Precalculus"];

    public static IReadOnlyList<ProblemSamples> Generate(int problems, int samplesPerProblem, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(problems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerProblem, 1);
        var random = new Random(seed);
        var result = new ProblemSamples[problems];
        for (var p = 0; p < problems; p++)
        {
            var accuracy = Math.Pow(random.NextDouble(), 1.5);
            var wrongKeys = 1 + random.Next(16);
            var samples = new VoteSample[samplesPerProblem];
            for (var s = 0; s < samplesPerProblem; s++)
            {
                var roll = random.NextDouble();
                var correct = roll < accuracy;
                string key;
                if (correct)
                {
                    key = "42";
                }
                else if (random.NextDouble() < 0.03)
                {
                    key = "";
                }
                else
                {
                    // Skewed popularity: key j with weight ~ 1/(j+1).
                    var j = (int)Math.Floor(Math.Pow(wrongKeys + 1, random.NextDouble())) - 1;
                    key = "w" + Math.Min(j, wrongKeys - 1).ToString(CultureInfo.InvariantCulture);
                }
                var lean = correct ? 0.15 : -0.15;
                var orm = Math.Clamp(0.5 + lean + 0.2 * Gaussian(random), 0, 1);
                var steps = new double[2 + random.Next(5)];
                for (var i = 0; i < steps.Length; i++)
                {
                    steps[i] = Math.Clamp(0.6 + lean + 0.2 * Gaussian(random), 0.001, 1);
                }
                samples[s] = new VoteSample(key, correct, orm, steps);
            }
            var fields = new Dictionary<string, string>
            {
                ["level"] = (1 + random.Next(5)).ToString(CultureInfo.InvariantCulture),
                ["subject"] = Subjects[random.Next(Subjects.Length)],
            };
            result[p] = new ProblemSamples($"synthetic-{p}", fields, samples);
        }
        return result;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
