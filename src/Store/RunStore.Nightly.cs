using System.Globalization;
using System.Text.Json;

namespace BestOfN.Store;

/// <summary>Where a nightly item's attempt stands. A row left <see cref="Running"/> is an attempt that was killed.</summary>
public enum NightlyStatus { Running, Succeeded, Failed, Interrupted }

/// <summary>A headline metric of a nightly run (a dataset's method at its largest k) with its 95% interval.</summary>
public sealed record NightlyMetric(string Name, double Value, double? CiLow, double? CiHigh);

/// <summary>One attempt at one nightly item: the file (by name and content hash), when it ran, how it ended, its runs and metrics.</summary>
/// <param name="RewardModels">The reward models it was scored with, as the caller names them (name, model hash, protocol): a new one makes the item new again.</param>
public sealed record NightlyRun(long Id, string Item, string Kind, string Sha256, int Attempt, DateTimeOffset Started, DateTimeOffset? Finished,
    NightlyStatus Status, string? Error, IReadOnlyList<string> RunIds, IReadOnlyList<NightlyMetric> Metrics, string RewardModels);

/// <summary>
/// The nightly service's history (<c>nightly_runs</c>, one row per item and attempt, with <c>nightly_metrics</c>) and its schedule
/// state (<c>nightly_state</c>: when it last fired). The tables are created on first use.
/// </summary>
public sealed partial class RunStore
{
    private bool _nightlyTablesReady;

    private bool EnsureNightlyTables() => EnsureTables(ref _nightlyTablesReady, """
        CREATE TABLE IF NOT EXISTS nightly_runs(
            id INTEGER PRIMARY KEY, item TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL, attempt INTEGER NOT NULL,
            started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL, error TEXT, run_ids TEXT NOT NULL, reward_models TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS nightly_runs_item ON nightly_runs(kind, sha256);
        CREATE TABLE IF NOT EXISTS nightly_metrics(
            nightly_run INTEGER NOT NULL REFERENCES nightly_runs(id), name TEXT NOT NULL, value REAL NOT NULL, ci_low REAL, ci_high REAL,
            PRIMARY KEY(nightly_run, name));
        CREATE TABLE IF NOT EXISTS nightly_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """, "nightly_runs", "nightly_metrics", "nightly_state");

    /// <summary>Records that an attempt started; returns its row id for <see cref="FinishNightlyRun"/>.</summary>
    public long StartNightlyRun(string item, string kind, string sha256, int attempt, DateTimeOffset started, string rewardModels)
    {
        EnsureNightlyTables();
        return Write(() =>
        {
            using var cmd = Command("""
                INSERT INTO nightly_runs(item, kind, sha256, attempt, started, status, run_ids, reward_models) VALUES($i, $k, $h, $a, $s, $st, '[]', $rm) RETURNING id
                """, ("$rm", rewardModels), ("$i", item), ("$k", kind), ("$h", sha256), ("$a", attempt), ("$s", Text(started)), ("$st", nameof(NightlyStatus.Running)));
            return (long)cmd.ExecuteScalar()!;
        });
    }

    /// <summary>Records how an attempt ended, with its runs and headline metrics, in one transaction.</summary>
    public void FinishNightlyRun(long id, DateTimeOffset finished, NightlyStatus status, string? error, IReadOnlyList<string> runIds, IReadOnlyList<NightlyMetric> metrics) =>
        InTransaction(() =>
        {
            using (var cmd = Command("UPDATE nightly_runs SET finished = $f, status = $st, error = $e, run_ids = $r WHERE id = $id",
                ("$f", Text(finished)), ("$st", status.ToString()), ("$e", error), ("$r", JsonSerializer.Serialize(runIds)), ("$id", id)))
            {
                cmd.ExecuteNonQuery();
            }

            foreach (var m in metrics)
            {
                using var insert = Command("INSERT OR REPLACE INTO nightly_metrics(nightly_run, name, value, ci_low, ci_high) VALUES($id, $n, $v, $lo, $hi)",
                    ("$id", id), ("$n", m.Name), ("$v", m.Value), ("$lo", m.CiLow), ("$hi", m.CiHigh));
                insert.ExecuteNonQuery();
            }
            return 0;
        });

    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<NightlyRun> NightlyRuns()
    {
        if (!EnsureNightlyTables()) return [];
        var metrics = new Dictionary<long, List<NightlyMetric>>();
        using (var cmd = Command("SELECT nightly_run, name, value, ci_low, ci_high FROM nightly_metrics ORDER BY nightly_run, rowid"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                if (!metrics.TryGetValue(r.GetInt64(0), out var list)) metrics[r.GetInt64(0)] = list = [];
                list.Add(new NightlyMetric(r.GetString(1), r.GetDouble(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4)));
            }
        }
        using var runs = Command("SELECT id, item, kind, sha256, attempt, started, finished, status, error, run_ids, reward_models FROM nightly_runs ORDER BY id");
        using var reader = runs.ExecuteReader();
        var result = new List<NightlyRun>();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            result.Add(new NightlyRun(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), Time(reader.GetString(5)),
                reader.IsDBNull(6) ? null : Time(reader.GetString(6)), Enum.Parse<NightlyStatus>(reader.GetString(7)), reader.IsDBNull(8) ? null : reader.GetString(8),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(9)) ?? [], metrics.GetValueOrDefault(id) ?? [], reader.GetString(10)));
        }
        return result;
    }

    /// <summary>A value of the nightly service's state (when the schedule last fired); null when never set.</summary>
    public string? NightlyState(string key) => EnsureNightlyTables() ? Scalar<string?>("SELECT value FROM nightly_state WHERE key = $k", ("$k", key)) : null;

    public void SetNightlyState(string key, string value)
    {
        EnsureNightlyTables();
        Write(() =>
        {
            using var cmd = Command("INSERT OR REPLACE INTO nightly_state(key, value) VALUES($k, $v)", ("$k", key), ("$v", value));
            cmd.ExecuteNonQuery();
        });
    }

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
