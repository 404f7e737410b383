using Microsoft.Data.Sqlite;

namespace BestOfN.Store;

/// <summary>A write the store could not take now (another process holds it, the disk is full, the file is read-only): the run failed, its stored work is kept.</summary>
public sealed class RunStoreWriteException(string message, Exception inner) : IOException(message, inner);

/// <summary>SQLite's failures to write, as one line that names the store and says what to do.</summary>
internal static class StoreErrors
{
    private const int Busy = 5, Locked = 6, IoError = 10, Full = 13;

    public const int ReadOnly = 8, CantOpen = 14;

    /// <summary>The failure as one clear line, or null when it is not one of SQLite's write failures.</summary>
    public static RunStoreWriteException? WriteFailure(string path, SqliteException e)
    {
        var message = (e.SqliteErrorCode & 0xFF) switch
        {
            Busy or Locked => $"{path} is busy: another process is writing to it. Wait for it to finish, or give another --store.",
            Full => $"The disk holding {path} is full. Free space there and rerun: what is stored is kept and the rerun resumes.",
            ReadOnly => $"{path} is read-only. Make the file and its folder writable (SQLite writes -wal and -shm files beside it), or give another --store; export and report can still read it.",
            IoError => $"{path} could not be written ({e.Message}). Check the disk and rerun: what is stored is kept.",
            CantOpen => $"{path} cannot be opened for writing. Check that its folder exists and is writable, or give another --store.",
            _ => null,
        };
        return message is null ? null : new RunStoreWriteException(message, e);
    }
}
