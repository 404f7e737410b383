using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Runs bestofn as a real child process to the end, and reads what it left in a store.</summary>
internal static class ChildCli
{
    public static CliRunner.Result Run(params string[] args)
    {
        using var child = CliRunner.Start(args);
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEnd();
        child.WaitForExit();
        return new CliRunner.Result(child.ExitCode, output.GetAwaiter().GetResult(), error);
    }

    /// <summary>The one line a failure prints: exactly one "error: " line, no stack trace.</summary>
    /// <param name="progress">The start of the progress lines a long command prints before it fails, left out.</param>
    public static string OnlyErrorLine(CliRunner.Result result, string? progress = null)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => progress is null || !l.StartsWith(progress, StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}:\n{result.Error}");
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    /// <summary>A scalar from the store, read through SQLite's read-only mode.</summary>
    public static long Count(string store, string sql)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    public static bool HasTable(string store, string table) => Count(store, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'") > 0;
}
