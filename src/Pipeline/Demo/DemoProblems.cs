using System.Globalization;
using System.Text.Json;

namespace BestOfN.Pipeline;

/// <summary>
/// One problem of the demo task: evaluate "a ± b ± c [± d]" left to right. Its solution is a step per operation ("14 + 7 = 21"),
/// steps separated by blank lines (the RLHFlow step split), ending "The answer is N.".
/// </summary>
public sealed record DemoProblem(string Question, IReadOnlyList<string> Steps, int Answer)
{
    /// <summary>The generator's completion of the raw prompt (the question): a newline, then the steps and the answer line.</summary>
    public string Solution => "\n" + string.Join("\n\n", SolutionSteps);

    /// <summary>The steps and the closing answer line, as the PRM sees them.</summary>
    public IReadOnlyList<string> SolutionSteps => [.. Steps, AnswerLine(Answer)];

    public static string AnswerLine(int answer) => $"The answer is {answer.ToString(CultureInfo.InvariantCulture)}.";

    /// <summary>The GSM8K line: question, and an answer of the steps ending "#### N".</summary>
    public string Gsm8kLine() => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["question"] = Question,
        ["answer"] = string.Join("\n", Steps) + $"\n#### {Answer.ToString(CultureInfo.InvariantCulture)}",
    });
}

/// <summary>
/// The demo's synthetic task, deterministic by seed: 2 or 3 operations on small numbers, a first number 2–19 then operands 2–9,
/// the running total kept within 0–39. Small enough for a model of a few hundred thousand weights to half-learn on two cores.
/// </summary>
public static class DemoProblems
{
    public const int MaxTotal = 39;

    public static DemoProblem Draw(Random rng)
    {
        var total = rng.Next(2, 20);
        var operations = rng.Next(2, 4);
        var question = total.ToString(CultureInfo.InvariantCulture);
        var steps = new List<string>(operations);
        for (var i = 0; i < operations; i++)
        {
            var operand = rng.Next(2, 10);
            var add = total - operand < 0 || (total + operand <= MaxTotal && rng.Next(2) == 0);
            var next = add ? total + operand : total - operand;
            var op = add ? '+' : '-';
            question += $" {op} {operand}";
            steps.Add($"{total} {op} {operand} = {next}");
            total = next;
        }
        return new DemoProblem($"What is {question}?", steps, total);
    }

    /// <summary><paramref name="count"/> distinct problems from <paramref name="seed"/>, none of whose questions is in <paramref name="exclude"/>.</summary>
    public static IReadOnlyList<DemoProblem> Generate(int seed, int count, IReadOnlySet<string>? exclude = null)
    {
        var rng = new Random(seed);
        var seen = new HashSet<string>();
        var problems = new List<DemoProblem>(count);
        for (var tries = 0; problems.Count < count; tries++)
        {
            if (tries > count * 100) throw new InvalidOperationException($"Could not draw {count} distinct problems.");
            var p = Draw(rng);
            if (exclude?.Contains(p.Question) == true || !seen.Add(p.Question)) continue;
            problems.Add(p);
        }
        return problems;
    }

    public static void WriteGsm8k(string path, IEnumerable<DemoProblem> problems)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path, problems.Select(p => p.Gsm8kLine()));
    }

    /// <summary>
    /// A wrong solution to <paramref name="problem"/> in the generator's own format, made the way the generator errs: measured on its
    /// 800 test samples, 94% of its wrong steps are arithmetic slips (the result off by +1 in 58% of them, −1 in 24%, ±2 in 10%, more
    /// rarely ±3…8) and 6% a wrong operand copied from the question. From the first slip on, the steps go on from the wrong total, with
    /// a further slip now and then, and the answer line states the last total. The final answer can come out right by accident; label
    /// it by <see cref="FinalAnswer"/>, not by construction.
    /// </summary>
    public static string Flawed(DemoProblem problem, Random rng)
    {
        var operations = problem.Steps.Select(Parse).ToList();
        var first = rng.Next(operations.Count);
        var total = operations[0].Left;
        var steps = new List<string>(operations.Count);
        for (var k = 0; k < operations.Count; k++)
        {
            var (_, op, operand) = operations[k];
            var slip = k == first || (k > first && rng.NextDouble() < 0.15);
            if (slip && rng.NextDouble() < 0.06) operand = operand == 9 ? 8 : operand + (rng.Next(2) == 0 && operand > 2 ? -1 : 1);
            var result = op == '+' ? total + operand : total - operand;
            if (slip && operand == operations[k].Operand) result = Math.Max(0, result + Slip(rng, result));
            steps.Add($"{total} {op} {operand} = {result}");
            total = result;
        }
        return "\n" + string.Join("\n\n", [.. steps, DemoProblem.AnswerLine(total)]);
    }

    /// <summary>What "a op b" of a step "a op b = c" really is, or null when the step is not of that form.</summary>
    public static int? CorrectResult(string step)
    {
        var parts = step.Trim().Split(' ');
        if (parts.Length < 4 || parts[3] != "=" || parts[1] is not ("+" or "-")) return null;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var b)) return null;
        return parts[1] == "+" ? a + b : a - b;
    }

    /// <summary>The number on the last line of a solution ("The answer is N."), or null.</summary>
    public static int? FinalAnswer(string text)
    {
        const string lead = "The answer is ";
        var last = text.TrimEnd().Split('\n')[^1];
        if (!last.StartsWith(lead, StringComparison.Ordinal)) return null;
        var rest = last[lead.Length..];
        var number = new string([.. rest.Take(1).Where(c => c == '-'), .. rest.SkipWhile(c => c == '-').TakeWhile(char.IsDigit)]);
        return int.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static int Slip(Random rng, int result)
    {
        var u = rng.NextDouble();
        var delta = u < 0.58 ? 1 : u < 0.82 ? -1 : u < 0.92 ? (rng.Next(2) == 0 ? 2 : -2) : rng.Next(3, 9) * (rng.Next(2) == 0 ? 1 : -1);
        return result + delta < 0 ? -delta : delta;
    }

    private static (int Left, char Op, int Operand) Parse(string step)
    {
        var parts = step.Split(' ');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), parts[1][0], int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Labels each step of an answer as PRM training wants it: step k is right when it is exactly the reference's step k and every
    /// step before it was right (so its arithmetic is exact and its operands are the problem's); the answer line is right when the
    /// steps were and it states the total. Steps are split as the RLHFlow protocol splits them.
    /// </summary>
    public static bool[] StepLabels(DemoProblem problem, IReadOnlyList<string> steps)
    {
        var reference = problem.SolutionSteps;
        var labels = new bool[steps.Count];
        var ok = true;
        for (var k = 0; k < steps.Count; k++)
        {
            ok = ok && k < reference.Count && steps[k] == reference[k];
            labels[k] = ok;
        }
        return labels;
    }
}
