using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BestOfN.Store;

/// <summary>
/// The SQLite run store (WAL journal). Samples are unique per (run, problem, index) and are written a wave per
/// transaction, so a process killed at any moment leaves whole waves only and a rerun skips what is stored.
/// </summary>
public sealed partial class RunStore : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;

    private RunStore(SqliteConnection connection, string path, bool isReadOnly)
    {
        _connection = connection;
        Path = path;
        IsReadOnly = isReadOnly;
    }

    public string Path { get; }

    /// <summary>Opened with <see cref="OpenReadOnly"/>: every write is refused.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Opens the store for reading and writing, creating it (and its folder) when missing, and migrates its schema.</summary>
    public static RunStore Open(string path)
    {
        var full = FullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        try
        {
            if (dir is not null) Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunStoreWriteException($"Cannot create {dir}, the folder of the store {full} ({e.Message}); give --store a path in a writable folder.", e);
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
        var store = new RunStore(connection, full, isReadOnly: false);
        try
        {
            connection.Open();
            store.Execute("PRAGMA busy_timeout=10000;");
            store.Execute("PRAGMA journal_mode=WAL;");
            // NORMAL is durable against a killed process in WAL mode (only power loss may drop the last commits).
            store.Execute("PRAGMA synchronous=NORMAL;");
            store.Write(store.Migrate);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw (Exception?)StoreErrors.WriteFailure(full, e) ?? NotARunStore(full, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return store;
    }

    /// <summary>
    /// Opens an existing store for reading only: no journal change, no migration, nothing written, so a store on a read-only file or
    /// folder can still be exported and reported.
    /// </summary>
    public static RunStore OpenReadOnly(string path)
    {
        var full = FullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"No run store at {full}; give --store the file that sample or import wrote.", full);
        try
        {
            return OpenReadOnly(full, immutable: false);
        }
        catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is StoreErrors.CantOpen or StoreErrors.ReadOnly)
        {
            // A WAL store whose -shm file is gone and whose folder is read-only cannot be opened shared: SQLite cannot make the -shm
            // file ("cannot open", or "readonly" for a read-only connection). Nobody can write it there either, so reading it as
            // immutable is safe, unless a -wal file still holds commits an immutable read would skip.
            if (new FileInfo(full + "-wal") is { Exists: true, Length: > 0 })
                throw new InvalidDataException($"{full} has commits in {full}-wal that cannot be read while its folder is read-only; make the folder writable and run score or import on the store once to fold them in.", e);
            try
            {
                return OpenReadOnly(full, immutable: true);
            }
            catch (SqliteException again)
            {
                throw NotARunStore(full, again);
            }
        }
        catch (SqliteException e)
        {
            throw NotARunStore(full, e);
        }
    }

    private static RunStore OpenReadOnly(string full, bool immutable)
    {
        var source = immutable ? new Uri(full).AbsoluteUri + "?immutable=1" : full;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        var store = new RunStore(connection, full, isReadOnly: true);
        try
        {
            connection.Open();
            store.Execute("PRAGMA busy_timeout=10000;");
            store.CheckSchemaVersion();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return store;
    }

    private static string FullPath(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new InvalidDataException($"{full} is a directory, not a run store; give --store a file, for example {System.IO.Path.Combine(full, "runs.db")}.");
        return full;
    }

    private static InvalidDataException NotARunStore(string full, SqliteException e) =>
        new($"{full} is not a BestOfN run store (or is damaged): {e.Message}", e);

    private void Migrate()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS runs(
                run_id TEXT PRIMARY KEY, kind TEXT NOT NULL, dataset TEXT NOT NULL, model_path TEXT, model_sha256 TEXT,
                config_json TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS problems(
                run_id TEXT NOT NULL REFERENCES runs(run_id), problem_id TEXT NOT NULL, position INTEGER NOT NULL,
                question TEXT NOT NULL, gold TEXT, fields_json TEXT NOT NULL, prompt TEXT, prompt_tokens INTEGER,
                PRIMARY KEY(run_id, problem_id));
            CREATE TABLE IF NOT EXISTS samples(
                run_id TEXT NOT NULL, problem_id TEXT NOT NULL, sample_index INTEGER NOT NULL, seed INTEGER NOT NULL,
                text TEXT NOT NULL, token_count INTEGER NOT NULL, finish_reason TEXT NOT NULL, stop_string TEXT,
                gen_ms REAL NOT NULL, label INTEGER, created_at TEXT NOT NULL,
                PRIMARY KEY(run_id, problem_id, sample_index),
                FOREIGN KEY(run_id, problem_id) REFERENCES problems(run_id, problem_id));
            CREATE TABLE IF NOT EXISTS model_hashes(
                path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ticks INTEGER NOT NULL, sha256 TEXT NOT NULL,
                PRIMARY KEY(path, size, mtime_ticks));
            """);
        using var cmd = Command("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', $v)", ("$v", SchemaVersion.ToString()));
        cmd.ExecuteNonQuery();
        CheckSchemaVersion();
    }

    private void CheckSchemaVersion()
    {
        var version = Scalar<string>("SELECT value FROM meta WHERE key = 'schema_version'");
        if (version != SchemaVersion.ToString())
            throw new InvalidDataException($"{Path} has schema version {version}; this build reads version {SchemaVersion}.");
    }

    /// <summary>Creates the run, or returns the stored one with the same id. A stored run with another configuration is an error.</summary>
    public RunInfo EnsureRun(RunInfo run) => Write(() =>
    {
        var existing = Run(run.RunId);
        if (existing is not null)
        {
            if (existing.ConfigJson != run.ConfigJson)
                throw new InvalidOperationException($"Run {run.RunId} already exists in {Path} with another configuration:\n  stored: {existing.ConfigJson}\n  now:    {run.ConfigJson}\nChoose another --run name.");
            return existing;
        }
        using var cmd = Command("INSERT INTO runs(run_id, kind, dataset, model_path, model_sha256, config_json, created_at) VALUES($id, $kind, $dataset, $path, $sha, $config, $created)",
            ("$id", run.RunId), ("$kind", run.Kind), ("$dataset", run.Dataset), ("$path", run.ModelPath), ("$sha", run.ModelSha256),
            ("$config", run.ConfigJson), ("$created", run.CreatedAt.ToString("O")));
        cmd.ExecuteNonQuery();
        return run;
    });

    public RunInfo? Run(string runId) => Runs().FirstOrDefault(r => r.RunId == runId);

    public IReadOnlyList<RunInfo> Runs()
    {
        using var cmd = Command("SELECT run_id, kind, dataset, model_path, model_sha256, config_json, created_at FROM runs ORDER BY created_at, run_id");
        using var r = cmd.ExecuteReader();
        var runs = new List<RunInfo>();
        while (r.Read())
        {
            runs.Add(new RunInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), DateTimeOffset.Parse(r.GetString(6), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return runs;
    }

    /// <summary>Inserts or refreshes problems (their prompt may be re-rendered identically on resume).</summary>
    public void SaveProblems(IEnumerable<StoredProblem> problems) => InTransaction(() =>
    {
        foreach (var p in problems) InsertProblem(p);
        return 0;
    });

    private void InsertProblem(StoredProblem p)
    {
        using var cmd = Command("""
                INSERT INTO problems(run_id, problem_id, position, question, gold, fields_json, prompt, prompt_tokens)
                VALUES($run, $id, $pos, $q, $gold, $fields, $prompt, $ptok)
                ON CONFLICT(run_id, problem_id) DO UPDATE SET prompt = excluded.prompt, prompt_tokens = excluded.prompt_tokens
                """,
                ("$run", p.RunId), ("$id", p.ProblemId), ("$pos", p.Position), ("$q", p.Question), ("$gold", p.Gold),
                ("$fields", JsonSerializer.Serialize(p.Fields)), ("$prompt", p.Prompt), ("$ptok", p.PromptTokens));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Writes samples in one transaction; a sample already stored is kept and never duplicated.</summary>
    public int SaveSamples(IEnumerable<StoredSample> samples) => InTransaction(() =>
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        return samples.Sum(s => InsertSample(s, now));
    });

    private int InsertSample(StoredSample s, string now)
    {
        using var cmd = Command("""
                INSERT OR IGNORE INTO samples(run_id, problem_id, sample_index, seed, text, token_count, finish_reason, stop_string, gen_ms, label, created_at)
                VALUES($run, $pid, $idx, $seed, $text, $tok, $finish, $stop, $ms, $label, $created)
                """,
                ("$run", s.RunId), ("$pid", s.ProblemId), ("$idx", s.Index), ("$seed", s.Seed), ("$text", s.Text), ("$tok", s.TokenCount),
                ("$finish", s.FinishReason), ("$stop", s.StopString), ("$ms", s.Milliseconds), ("$label", s.Label is null ? null : s.Label.Value ? 1 : 0),
                ("$created", now));
        return cmd.ExecuteNonQuery();
    }

    public IReadOnlySet<int> SampleIndices(string runId, string problemId)
    {
        using var cmd = Command("SELECT sample_index FROM samples WHERE run_id = $run AND problem_id = $pid", ("$run", runId), ("$pid", problemId));
        using var r = cmd.ExecuteReader();
        var set = new HashSet<int>();
        while (r.Read()) set.Add(r.GetInt32(0));
        return set;
    }

    public IReadOnlyList<StoredProblem> Problems(string runId)
    {
        using var cmd = Command("SELECT problem_id, position, question, gold, fields_json, prompt, prompt_tokens FROM problems WHERE run_id = $run ORDER BY position", ("$run", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<StoredProblem>();
        while (r.Read())
        {
            list.Add(new StoredProblem(runId, r.GetString(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4)) ?? [], r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetInt32(6)));
        }

        return list;
    }

    /// <summary>Samples of a run in problem order, then index order.</summary>
    public IEnumerable<StoredSample> Samples(string runId)
    {
        using var cmd = Command("""
            SELECT s.problem_id, s.sample_index, s.seed, s.text, s.token_count, s.finish_reason, s.stop_string, s.gen_ms, s.label
            FROM samples s JOIN problems p ON p.run_id = s.run_id AND p.problem_id = s.problem_id
            WHERE s.run_id = $run ORDER BY p.position, s.sample_index
            """, ("$run", runId));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new StoredSample(runId, r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetDouble(7), r.IsDBNull(8) ? null : r.GetInt32(8) != 0);
        }
    }

    public long SampleCount(string runId) => Scalar<long>("SELECT COUNT(*) FROM samples WHERE run_id = $run", ("$run", runId));

    /// <summary>SHA-256 of a model file, cached by (path, size, modification time): large GGUFs take a while to hash.</summary>
    public string ModelHash(string modelPath)
    {
        var info = new FileInfo(modelPath);
        var full = info.FullName;
        var cached = Scalar<string?>("SELECT sha256 FROM model_hashes WHERE path = $p AND size = $s AND mtime_ticks = $m",
            ("$p", full), ("$s", info.Length), ("$m", info.LastWriteTimeUtc.Ticks));
        if (cached is not null) return cached;
        var hash = FileSha256(full);
        if (IsReadOnly) return hash;
        return Write(() =>
        {
            using var cmd = Command("INSERT OR REPLACE INTO model_hashes(path, size, mtime_ticks, sha256) VALUES($p, $s, $m, $h)",
                ("$p", full), ("$s", info.Length), ("$m", info.LastWriteTimeUtc.Ticks), ("$h", hash));
            cmd.ExecuteNonQuery();
            return hash;
        });
    }

    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>
    /// Tables added after the first schema are created on first use: a writable store creates them; a read-only one says whether it
    /// has them all (a store from before them holds none of their rows).
    /// </summary>
    private bool EnsureTables(ref bool ready, string createStatements, params string[] tables)
    {
        if (ready) return true;
        if (IsReadOnly) return ready = tables.All(t => TableExists(t));
        Write(() => Execute(createStatements));
        return ready = true;
    }

    private bool TableExists(string table, string schema = "main") =>
        Scalar<long>($"SELECT COUNT(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = $name", ("$name", table)) > 0;

    /// <summary>
    /// Runs a write, turning SQLite's busy, full, read-only and I/O failures into one line naming the store and what to do.
    /// A store opened read-only refuses every write.
    /// </summary>
    private T Write<T>(Func<T> write)
    {
        if (IsReadOnly) throw new InvalidOperationException($"{Path} was opened read-only; this command cannot write to it.");
        try
        {
            return write();
        }
        catch (SqliteException e) when (StoreErrors.WriteFailure(Path, e) is { } failure)
        {
            throw failure;
        }
    }

    private void Write(Action write) => Write(() =>
    {
        write();
        return 0;
    });

    /// <summary>Runs <paramref name="write"/> in one transaction, or inside the one already open.</summary>
    private T InTransaction<T>(Func<T> write) => Write(() =>
    {
        if (_transaction is not null) return write();
        using var tx = _connection.BeginTransaction();
        _transaction = tx;
        try
        {
            var result = write();
            tx.Commit();
            return result;
        }
        finally
        {
            _transaction = null;
        }
    });

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private T Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(sql, parameters);
        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    public void Dispose() => _connection.Dispose();
}
