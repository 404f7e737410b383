using System.Net;
using System.Text.RegularExpressions;
using BestOfN.Pipeline;

namespace BestOfN.Cli.Tests.Commands;

public class RunCommandTests
{
    [Fact]
    public void Run_with_no_model_or_dataset_samples_the_embedded_problems_grades_and_scores_them_and_prints_the_table()
    {
        var store = Path.Combine(CliRunner.TempDir(), "runs.db");
        var r = CliRunner.Run("run", "--store", store, "--n", "4", "--parallel", "4", "--max-tokens", "8", "--bootstrap", "20");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("the embedded demo", r.Output);
        Assert.Contains("50 problems × 4 samples", r.Output);
        Assert.Contains("| Pass@1 |", r.Output);
        Assert.Contains("| Majority Voting@4 |", r.Output);
        Assert.Contains("200 samples drawn", r.Output);
        Assert.Contains("rlhflow-prm", r.Output);
        Assert.Contains("rlhflow-orm", r.Output);
        Assert.Matches(@"\| ORM@4 \| \d+\.\d \[", r.Output);
        Assert.Matches(@"\| PRM@4 \(min\) \| \d+\.\d \[", r.Output);
        Assert.Contains("reward ranking gains ORM ", r.Output);

        var again = CliRunner.Run("run", "--store", store, "--n", "4", "--parallel", "4", "--max-tokens", "8", "--bootstrap", "20");
        Assert.Contains("0 samples drawn, 200 already stored", again.Output);
        Assert.Contains("0 answers scored, 200 already stored", again.Output);
    }

    [Fact]
    public void Run_writes_the_report_page_beside_the_store_with_the_printed_tables_numbers_and_rewrites_it_when_rerun()
    {
        var dir = CliRunner.TempDir();
        var subset = Path.Combine(dir, "demo-subset.jsonl");
        File.WriteAllLines(subset, File.ReadLines(DemoAssets.Problems().Path).Take(6));
        string[] args = ["run", "--dataset", $"gsm8k:{subset}", "--store", Path.Combine(dir, "demo.db"), "--bootstrap", "20"];
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var page = Path.Combine(dir, "demo-report", "index.html");
        Assert.Contains($"report: {page}", r.Output);
        AssertPageShowsPrintedTable(r.Output, page);

        File.Delete(page);
        var again = CliRunner.Run(args);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains("0 samples drawn, 96 already stored", again.Output);
        AssertPageShowsPrintedTable(again.Output, page);

        var elsewhere = Path.Combine(dir, "pages");
        var third = CliRunner.Run([.. args, "--report", elsewhere]);
        Assert.Contains($"report: {Path.Combine(elsewhere, "index.html")}", third.Output);
        AssertPageShowsPrintedTable(third.Output, Path.Combine(elsewhere, "index.html"));
    }

    /// <summary>The page's best-of-N cells (found by their data-method attribute) hold the printed table's figures, intervals included.</summary>
    private static void AssertPageShowsPrintedTable(string output, string page)
    {
        var html = File.ReadAllText(page);
        string Printed(string metric) => Regex.Match(output, $@"^\| {Regex.Escape(metric)} \| (.+?) \|$", RegexOptions.Multiline).Groups[1].Value;
        string Cell(string method) => WebUtility.HtmlDecode(Regex.Replace(
            Regex.Match(html, $"<tr data-method=\"{Regex.Escape(WebUtility.HtmlEncode(method))}\">.*?<td data-generator=\"demo-generator\">(.*?)</td>").Groups[1].Value, "<.*?>", ""));
        Assert.Matches(@"^\d+\.\d \[\d+\.\d, \d+\.\d\]$", Printed("Majority Voting@16"));
        Assert.Equal(Printed("Pass@1"), Cell("pass@1"));
        Assert.Equal(Printed("Majority Voting@16"), Cell("maj@16"));
        Assert.Equal(Printed("ORM@16"), Cell("rm@16/demo-orm (rlhflow-orm)"));
        Assert.Equal(Printed("PRM@16 (min)"), Cell("rm@16/demo-prm (rlhflow-prm)"));
        Assert.Equal(Printed("Pass@16 (oracle)"), Cell("pass@16"));
    }

    [Fact]
    public void A_bad_dataset_line_is_one_clear_error_naming_file_and_line()
    {
        var dir = CliRunner.TempDir();
        var data = Path.Combine(dir, "bad.jsonl");
        File.WriteAllText(data, "{\"question\": \"q\", \"answer\": \"1 #### 1\"}\n{\"question\": \"q2\"}\n");
        var r = CliRunner.Run("run", "--dataset", $"gsm8k:{data}", "--store", Path.Combine(dir, "runs.db"));
        Assert.Equal(2, r.ExitCode); // unusable input
        Assert.Equal($"error: {data}:2: field 'answer': missing", r.Error.Trim());
    }
}
