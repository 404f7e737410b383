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
