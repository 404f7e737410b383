using BestOfN.TestSupport.Reliability;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>No command writes over a file it reads, and an output file appears whole or not at all; each command runs as a real child process.</summary>
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

        var export = ChildCli.Run("export", "--store", db, "--out", db);
        var report = ChildCli.Run("report", "--store", db, "--json", Path.Combine(dir, ".", "runs.db"));

        Assert.Equal((2, 2), (export.ExitCode, report.ExitCode));
        Assert.Contains("is a file this command reads", ChildCli.OnlyErrorLine(export));
        Assert.Contains("--json", ChildCli.OnlyErrorLine(report));
        Assert.Equal(size, new FileInfo(db).Length);
        Assert.Equal(0, ChildCli.Run("report", "--store", db).ExitCode); // still a readable store
    }

    [Fact]
    public void Grade_refuses_to_write_over_its_input_even_through_a_symbolic_link()
    {
        var dir = CliRunner.TempDir();
        var input = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllText(input, "{\"pred\": \"1/2\", \"gold\": \"0.5\"}\n");
        var link = Path.Combine(dir, "link.jsonl");
        File.CreateSymbolicLink(link, input);

        var r = ChildCli.Run("grade", "--input", input, "--output", link);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a file this command reads", ChildCli.OnlyErrorLine(r));
        Assert.Equal("{\"pred\": \"1/2\", \"gold\": \"0.5\"}\n", File.ReadAllText(input));
    }

    [Fact]
    public void An_output_file_is_renamed_into_place_whole_and_no_temporary_file_is_left()
    {
        var (db, dir) = ImportedStore();
        var out1 = Path.Combine(dir, "samples.jsonl");
        File.WriteAllText(out1, "old");

        Assert.Equal(0, ChildCli.Run("export", "--store", db, "--out", out1).ExitCode);

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

        var r = ChildCli.Run("export", "--store", db, "--out", link);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a file this command reads", ChildCli.OnlyErrorLine(r));
        Assert.Equal(size, new FileInfo(db).Length);
    }

    [TmpfsFact]
    public void A_full_disk_during_export_is_one_line_and_leaves_the_old_file_as_it_was_with_no_temporary_file()
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");
        var set = Path.Combine(dir, "big.jsonl");
        var answer = new string('7', 2000);
        File.WriteAllLines(set, Enumerable.Range(0, 200).Select(i => $$"""{"prompt": "What is {{i}} + 7?", "answers": ["{{answer}}", "{{answer}}"], "label": [1, 0]}"""));
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", set, "--store", db).ExitCode); // about 800 KB to export
        using var disk = new SmallTmpfs(256);
        var out1 = Path.Combine(disk.Path, "samples.jsonl");
        File.WriteAllText(out1, "old");

        var r = ChildCli.Run("export", "--store", db, "--out", out1);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: The disk holding {out1} is full. Free space there and rerun; the file is as it was.", ChildCli.OnlyErrorLine(r));
        Assert.Equal("old", File.ReadAllText(out1));
        Assert.Equal(["samples.jsonl"], Directory.GetFiles(disk.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Grade_into_a_missing_folder_is_one_line_naming_the_folder()
    {
        var dir = CliRunner.TempDir();
        var input = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllText(input, "{\"pred\": \"1/2\", \"gold\": \"0.5\"}\n");
        var output = Path.Combine(dir, "missing", "graded.jsonl");

        var r = ChildCli.Run("grade", "--input", input, "--output", output);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: Cannot write {output}: the folder {Path.Combine(dir, "missing")} does not exist. Create it, or give a file in an existing folder.",
            ChildCli.OnlyErrorLine(r));
        Assert.False(Directory.Exists(Path.Combine(dir, "missing")));
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_after_the_one_line()
    {
        var dir = CliRunner.TempDir();
        var input = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllText(input, "{\"pred\": \"1/2\", \"gold\": \"0.5\"}\n");
        string[] args = ["grade", "--input", input, "--output", Path.Combine(dir, "missing", "graded.jsonl")];

        var plain = ChildCli.Run(args);
        var verbose = ChildCli.Run([.. args, "--verbose"]);

        Assert.Equal((2, 2), (plain.ExitCode, verbose.ExitCode));
        Assert.StartsWith(ChildCli.OnlyErrorLine(plain) + "\n", verbose.Error.ReplaceLineEndings("\n"));
        Assert.Contains("System.IO.DirectoryNotFoundException", verbose.Error);
        Assert.Contains("   at BestOfN.Pipeline.OutputFiles.Write", verbose.Error);
    }
}
