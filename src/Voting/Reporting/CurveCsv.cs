using System.Globalization;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// Every curve point as CSV: <c>dataset,field,group,metric,k,value,ci_low,ci_high,stderr,capped_problems,problems,k_used_min,k_used_max</c>.
/// field and group are empty for the whole dataset; empty ci/stderr cells mean none (no bootstrap, exact value).
/// </summary>
public static class CurveCsv
{
    public const string Header = "dataset,field,group,metric,k,value,ci_low,ci_high,stderr,capped_problems,problems,k_used_min,k_used_max";

    public static void Write(TextWriter writer, IReadOnlyList<DatasetReport> datasets)
    {
        writer.WriteLine(Header);
        foreach (var dataset in datasets)
        {
            foreach (var set in dataset.Result.Breakdowns.Prepend(dataset.Result.Overall))
            {
                foreach (var curve in set.Curves)
                {
                    foreach (var p in curve.Points)
                    {
                        writer.WriteLine(string.Join(",",
                            Quote(dataset.Name), Quote(set.Field ?? ""), Quote(set.Group ?? ""), curve.Metric,
                            p.K.ToString(CultureInfo.InvariantCulture), Number(p.Value), Number(p.CiLow), Number(p.CiHigh),
                            Number(p.StandardError), p.CappedProblems.ToString(CultureInfo.InvariantCulture),
                            set.ProblemCount.ToString(CultureInfo.InvariantCulture), p.MinKUsed.ToString(CultureInfo.InvariantCulture),
                            p.MaxKUsed.ToString(CultureInfo.InvariantCulture)));
                    }
                }
            }
        }
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
