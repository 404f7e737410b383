using Parquet.Serialization;

namespace BestOfN.Cli.Tests.Commands;

public class ExportCommandTests
{
    [Fact]
    public async Task Export_format_parquet_writes_one_row_per_sample_and_refuses_standard_output()
    {
        var dir = CliRunner.TempDir();
        var file = ImportCommandTests.WriteFile(dir, "set.jsonl", ImportCommandTests.RlhflowFixture);
        var db = Path.Combine(dir, "runs.db");
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", db).ExitCode);
        var parquet = Path.Combine(dir, "samples.parquet");

        var r = CliRunner.Run("export", "--store", db, "--out", parquet, "--format", "parquet");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"exported 6 samples from 1 run(s) to {parquet}", r.Error);
        await using (var stream = File.OpenRead(parquet))
        {
            var table = await ParquetSerializer.DeserializeUntypedAsync(stream);
            Assert.Equal([true, false, true, true, false, false], table.Data.Select(row => (bool)row["label"]));
        }
        var toStdout = CliRunner.Run("export", "--store", db, "--out", "-", "--format", "parquet");
        Assert.Equal(2, toStdout.ExitCode);
        Assert.Equal("error: --format parquet writes a file: give --out a path, not '-'.", toStdout.Error.Trim());
    }
}
