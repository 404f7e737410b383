using System.Security.Cryptography;
using BestOfN.Cli.Tests.Commands;
using BestOfN.TestSupport.Reliability;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>A store that cannot be used or written is one line naming it, from a real child process; a read-only store is still read.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class StoreFailureTests
{
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadOnlyFolder = ReadOnlyFile | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode WritableFolder = ReadOnlyFolder | UnixFileMode.UserWrite;

    private static string ImportInto(string db)
    {
        var file = ImportCommandTests.WriteFile(CliRunner.TempDir(), "set.jsonl", ImportCommandTests.RlhflowFixture);
        var r = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db);
        Assert.True(r.ExitCode == 0, r.Error);
        return file;
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void A_directory_given_as_the_store_is_one_line_naming_it_and_the_file_to_give()
    {
        var dir = CliRunner.TempDir();
        var file = ImportCommandTests.WriteFile(CliRunner.TempDir(), "set.jsonl", ImportCommandTests.RlhflowFixture);

        var r = ChildCli.Run("import", "--format", "rlhflow", file, "--store", dir);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {dir} is a directory, not a run store; give --store a file, for example {Path.Combine(dir, "runs.db")}.", ChildCli.OnlyErrorLine(r));
    }

    [Fact]
    public void Report_and_export_of_a_file_that_is_not_sqlite_are_one_line_and_leave_it_alone()
    {
        var path = Path.Combine(CliRunner.TempDir(), "notes.db");
        File.WriteAllText(path, "shopping list\n");

        var report = ChildCli.Run("report", "--store", path);
        var export = ChildCli.Run("export", "--store", path, "--out", "-");

        Assert.Equal((2, 2), (report.ExitCode, export.ExitCode));
        Assert.StartsWith($"error: {path} is not a BestOfN run store (or is damaged): ", ChildCli.OnlyErrorLine(report));
        Assert.StartsWith($"error: {path} is not a BestOfN run store (or is damaged): ", ChildCli.OnlyErrorLine(export));
        Assert.Equal("shopping list\n", File.ReadAllText(path));
    }

    [Fact]
    public void Export_and_report_read_a_store_whose_file_and_folder_are_read_only_and_change_nothing()
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");
        ImportInto(db);
        var before = Sha256(db);
        File.SetUnixFileMode(db, ReadOnlyFile);
        File.SetUnixFileMode(dir, ReadOnlyFolder);
        CliRunner.Result export, report;
        try
        {
            export = ChildCli.Run("export", "--store", db, "--out", "-");
            report = ChildCli.Run("report", "--store", db, "--bootstrap", "0");
        }
        finally
        {
            File.SetUnixFileMode(dir, WritableFolder);
        }

        Assert.True(export.ExitCode == 0, export.Error);
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Equal(6, export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("| Pass@1 |", report.Output);
        Assert.Equal(before, Sha256(db));
    }

    [PermissionDenialFact]
    public void Importing_into_a_read_only_store_is_one_line_naming_it_and_what_to_do()
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");
        var file = ImportInto(db);
        File.SetUnixFileMode(db, ReadOnlyFile);
        File.SetUnixFileMode(dir, ReadOnlyFolder);
        try
        {
            var r = ChildCli.Run("import", "--format", "rlhflow", file, "--store", db, "--run", "again");

            Assert.Equal(1, r.ExitCode);
            // SQLite says read-only, or cannot-open when it cannot make the -wal file in the folder: both name the store and the fix.
            var line = ChildCli.OnlyErrorLine(r);
            Assert.StartsWith($"error: {db} ", line);
            Assert.Contains("writable", line);
        }
        finally
        {
            File.SetUnixFileMode(dir, WritableFolder);
        }
    }

    /// <summary>A store on a file system remounted read-only: denied even to root, so the whole path is real here.</summary>
    [TmpfsFact]
    public void On_a_read_only_file_system_export_and_report_read_the_store_and_import_is_one_line()
    {
        using var disk = new SmallTmpfs(4096);
        var db = Path.Combine(disk.Path, "runs.db");
        var file = ImportInto(db);
        disk.RemountReadOnly();

        var export = ChildCli.Run("export", "--store", db, "--out", "-");
        var report = ChildCli.Run("report", "--store", db, "--bootstrap", "0");
        var import = ChildCli.Run("import", "--format", "rlhflow", file, "--store", db, "--run", "again");

        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Equal(6, export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Equal(1, import.ExitCode);
        Assert.Equal($"error: {db} cannot be opened for writing. Check that its folder exists and is writable, or give another --store.", ChildCli.OnlyErrorLine(import));
        var nested = CliRunner.Run("import", "--format", "rlhflow", file, "--store", Path.Combine(disk.Path, "sub", "runs.db"));
        Assert.Equal(1, nested.ExitCode);
        Assert.StartsWith($"error: Cannot create {Path.Combine(disk.Path, "sub")}, the folder of the store ", nested.Error);
    }

    [TmpfsFact]
    public void A_full_disk_during_import_is_one_line_naming_the_store_and_a_rerun_with_room_completes()
    {
        using var disk = new SmallTmpfs(192);
        var db = Path.Combine(disk.Path, "runs.db");
        var file = Path.Combine(CliRunner.TempDir(), "big.jsonl");
        var answer = new string('7', 2000);
        File.WriteAllLines(file, Enumerable.Range(0, 200).Select(i => $$"""{"prompt": "What is {{i}} + 7?", "answers": ["{{answer}}", "{{answer}}"], "label": [1, 0]}"""));

        var full = ChildCli.Run("import", "--format", "rlhflow", file, "--store", db);

        Assert.Equal(1, full.ExitCode);
        Assert.Equal($"error: The disk holding {db} is full. Free space there and rerun: what is stored is kept and the rerun resumes.", ChildCli.OnlyErrorLine(full));
        var kept = ChildCli.Count(db, "SELECT COUNT(*) FROM problems");
        Assert.Equal(2 * kept, ChildCli.Count(db, "SELECT COUNT(*) FROM samples"));
        Assert.True(kept < 200, "the whole set fitted; make the answers longer");

        disk.Resize(8192);
        var rerun = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Contains($"{2 * (200 - kept)} samples imported, {2 * kept} already stored", rerun.Output);
    }

    /// <summary>Fills a file system to the last byte, then frees <paramref name="kibibytes"/> of it.</summary>
    private static void FillLeaving(string folder, int kibibytes)
    {
        var filler = Path.Combine(folder, "filler");
        using (var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    stream.Write(block);
                    stream.Flush();
                }
            }
            catch (IOException)
            {
                // ENOSPC: full
            }
            stream.SetLength(Math.Max(0, stream.Position - kibibytes * 1024L));
        }
    }

    [TmpfsFact]
    public void A_full_disk_during_sample_is_one_line_naming_the_store_and_a_rerun_with_room_completes_without_duplicates()
    {
        using var disk = new SmallTmpfs(2048);
        var db = Path.Combine(disk.Path, "runs.db");
        var data = CliRunner.Gsm8kFile(6);
        string[] Args(int n) => ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--parallel", "2", "--max-tokens", "48", "--temperature", "1.0", "--store", db, "--prompt", "Raw", "--threads", "2"];
        Assert.Equal(0, CliRunner.Run(Args(2)).ExitCode); // the store, its problems and a first wave each
        FillLeaving(disk.Path, 64); // room for SQLite's -shm and a few waves' pages in the -wal, not for 18 more waves

        var full = ChildCli.Run(Args(8));

        Assert.Equal(1, full.ExitCode);
        Assert.Equal($"error: The disk holding {db} is full. Free space there and rerun: what is stored is kept and the rerun resumes.", ChildCli.OnlyErrorLine(full, "sampling "));
        Assert.Equal(1, ChildCli.Count(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"));
        var kept = ChildCli.Count(db, "SELECT COUNT(*) FROM samples");
        Assert.InRange(kept, 12, 6 * 8 - 2);

        File.Delete(Path.Combine(disk.Path, "filler"));
        var rerun = ChildCli.Run(Args(8));
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Contains($"{6 * 8 - kept} samples drawn, {kept} already stored", rerun.Output);
        Assert.Equal((48L, 48L), (ChildCli.Count(db, "SELECT COUNT(*) FROM samples"), ChildCli.Count(db, "SELECT COUNT(DISTINCT problem_id || '#' || sample_index) FROM samples")));
    }
}
