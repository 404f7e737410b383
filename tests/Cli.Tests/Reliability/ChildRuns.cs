using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Reads what a (child) sampling run has stored.</summary>
internal static class ChildRuns
{
    public static List<string> Texts(string store)
    {
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT problem_id || '#' || sample_index || ':' || text FROM samples ORDER BY problem_id, sample_index";
        using var r = cmd.ExecuteReader();
        var texts = new List<string>();
        while (r.Read()) texts.Add(r.GetString(0));
        return texts;
    }

    public static long CountOrZero(string store)
    {
        if (!File.Exists(store)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={store};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM samples";
            return Convert.ToInt64(cmd.ExecuteScalar());
        }
        catch (SqliteException)
        {
            return 0; // schema not created yet
        }
    }
}
