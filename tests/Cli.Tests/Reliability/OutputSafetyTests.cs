namespace BestOfN.Cli.Tests.Reliability;

/// <summary>No command writes over a file it reads, and an output file appears whole or not at all.</summary>
public class OutputSafetyTests
{
    private static (string Db, string Dir) ImportedStore()
    {
        var dir = CliRunner.TempDir();
        var file = Commands.ImportCommandTests.WriteFile(dir, "set.jsonl", Commands.ImportCommandTests.RlhflowFixture);
        var db = Path.Combine(dir, "runs.db");
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", db).ExitCode);
        return (db, dir);
    }

    [Fact]
    public void Export_and_report_refuse_to_write_over_the_store_they_read_and_the_store_stays_intact()
    {
        var (db, dir) = ImportedStore();
        var size = new FileInfo(db).Length;

        var export = CliRunner.Run("export", "--store", db, "--out", db);
        var report = CliRunner.Run("report", "--store", db, "--json", Path.Combine(dir, ".", "runs.db"));

        Assert.Equal((2, 2), (export.ExitCode, report.ExitCode));
        Assert.Contains("is a file this command reads", export.Error);
        Assert.Contains("--json", report.Error);
        Assert.Equal(size, new FileInfo(db).Length);
        Assert.Equal(0, CliRunner.Run("report", "--store", db).ExitCode); // still a readable store
    }

    [Fact]
    public void Grade_refuses_to_write_over_its_input_even_through_a_symbolic_link()
    {
        var dir = CliRunner.TempDir();
        var input = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllText(input, "{\"pred\": \"1/2\", \"gold\": \"0.5\"}\n");
        var link = Path.Combine(dir, "link.jsonl");
        File.CreateSymbolicLink(link, input);

        var r = CliRunner.Run("grade", "--input", input, "--output", link);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("{\"pred\": \"1/2\", \"gold\": \"0.5\"}\n", File.ReadAllText(input));
    }

    [Fact]
    public void An_output_file_is_renamed_into_place_whole_and_no_temporary_file_is_left()
    {
        var (db, dir) = ImportedStore();
        var out1 = Path.Combine(dir, "samples.jsonl");
        File.WriteAllText(out1, "old");

        Assert.Equal(0, CliRunner.Run("export", "--store", db, "--out", out1).ExitCode);

        Assert.Equal(6, File.ReadAllLines(out1).Length); // 2 problems × 3 answers
        Assert.Equal(["runs.db", "samples.jsonl", "set.jsonl"], Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => !f!.StartsWith("runs.db-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Export_refuses_a_hard_link_to_the_store()
    {
        var (db, dir) = ImportedStore();
        var link = Path.Combine(dir, "alias.db");
        using (var ln = System.Diagnostics.Process.Start("ln", [db, link])) ln.WaitForExit();
        var size = new FileInfo(db).Length;

        var r = CliRunner.Run("export", "--store", db, "--out", link);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a file this command reads", r.Error);
        Assert.Equal(size, new FileInfo(db).Length);
    }
}
