using BestOfN.Pipeline.Nightly;

namespace BestOfN.Pipeline.Tests.Nightly;

public class WatchedFolderTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    private static (IReadOnlyList<WatchedFile> Stable, IReadOnlyList<SkippedFile> Skipped) Scan(string folder, DateTimeOffset now) =>
        WatchedFolder.Scan(folder, NightlyItemKind.Dump, RunNightly.DumpExtensions, new ManualTimeProvider(now), Settle);

    [Fact]
    public void A_renamed_file_keeps_its_identity_and_a_rewritten_one_gets_a_new_one()
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-watch").FullName;
        var path = Path.Combine(folder, "a.jsonl");
        File.WriteAllText(path, "{\"x\": 1}\n");
        var later = DateTimeOffset.UtcNow.AddHours(1);

        var first = Scan(folder, later).Stable.Single();
        File.Move(path, Path.Combine(folder, "b.jsonl"));
        var renamed = Scan(folder, later).Stable.Single();
        File.WriteAllText(Path.Combine(folder, "b.jsonl"), "{\"x\": 2}\n");
        var rewritten = Scan(folder, later).Stable.Single();

        Assert.Equal(first.Sha256, renamed.Sha256);
        Assert.Equal("b.jsonl", renamed.Name);
        Assert.NotEqual(first.Sha256, rewritten.Sha256);
    }

    [Fact]
    public void Partial_and_recently_written_files_are_skipped_until_stable_and_other_files_ignored()
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-watch").FullName;
        File.WriteAllText(Path.Combine(folder, "dump.jsonl.partial"), "{}\n");
        File.WriteAllText(Path.Combine(folder, "fresh.jsonl"), "{}\n");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an item\n");
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, "fresh.jsonl"));

        var now = Scan(folder, written.AddSeconds(10));
        var settled = Scan(folder, written.AddMinutes(2));

        Assert.Empty(now.Stable);
        Assert.Equal(["dump.jsonl.partial", "fresh.jsonl"], now.Skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.Contains(".partial", now.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Equal(["fresh.jsonl"], settled.Stable.Select(f => f.Name));
        Assert.Equal(["dump.jsonl.partial"], settled.Skipped.Select(s => Path.GetFileName(s.Path)));
    }

    [Fact]
    public void A_second_instance_cannot_take_the_lock_until_the_first_lets_it_go()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bestofn-lock").FullName, "nightly.db.nightly.lock");

        using (NightlyLock.Acquire(path))
        {
            var e = Assert.Throws<NightlyBusyException>(() => NightlyLock.Acquire(path));
            Assert.StartsWith($"another nightly run holds {path}", e.Message, StringComparison.Ordinal);
        }
        using var again = NightlyLock.Acquire(path);
    }
}
