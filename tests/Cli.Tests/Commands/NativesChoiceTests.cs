using System.Text.Json;
using BestOfN.Llama.Native;
using BestOfN.TestSupport;

namespace BestOfN.Cli.Tests.Commands;

/// <summary>
/// Which llama.cpp natives a command loads: the build for this CPU when the build step made one, else the npm prebuilt with a
/// one-line note of what that costs; BESTOFN_NATIVES chooses explicitly. Each case is its own process (natives load once per process).
/// </summary>
public class NativesChoiceTests
{
    private sealed record Bench(int ExitCode, string Error, string? Kind, string? Directory);

    private static Bench RunBench(Dictionary<string, string> environment)
    {
        var json = Path.Combine(CliRunner.TempDir(), "figures.json");
        using var child = CliRunner.Start(environment, "bench", "--model", CliRunner.TinyModel, "--parallel", "1", "--prompt-tokens", "8",
            "--gen-tokens", "2", "--repeat", "1", "--threads", "1", "--json", json);
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0 || !File.Exists(json)) return new Bench(child.ExitCode, error + output.Result, null, null);
        var natives = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("natives");
        Assert.Contains("llama.cpp natives: ", output.Result);
        return new Bench(0, error, natives.GetProperty("kind").GetString(), natives.GetProperty("directory").GetString());
    }

    /// <summary>A cache folder holding only the npm package (linked from the real cache), and whatever builds a test adds.</summary>
    private static string CacheWithPrebuiltOnly()
    {
        var cache = CliRunner.TempDir();
        var package = NativePackages.ForCurrentPlatform();
        Directory.CreateSymbolicLink(Path.Combine(cache, package.CacheFolderName), Path.Combine(NativePackages.CacheRoot(), package.CacheFolderName));
        return cache;
    }

    [RequiresNativeBuildFact]
    public void By_default_the_build_for_this_cpu_runs_without_a_note()
    {
        var bench = RunBench(new());
        Assert.True(bench.ExitCode == 0, bench.Error);
        Assert.Equal("source", bench.Kind);
        Assert.Equal(NativeBuilds.ForThisCpu(), bench.Directory);
        Assert.DoesNotContain("note:", bench.Error);
    }

    [Fact]
    public void Without_a_build_the_prebuilt_runs_and_one_line_says_what_it_costs()
    {
        var bench = RunBench(new() { ["BESTOFN_NATIVE_CACHE"] = CacheWithPrebuiltOnly() });
        Assert.True(bench.ExitCode == 0, bench.Error);
        Assert.Equal("prebuilt", bench.Kind);
        var note = Assert.Single(bench.Error.Split('\n'), l => l.StartsWith("note:", StringComparison.Ordinal));
        Assert.Contains("30-45% slower", note);
        Assert.Contains("cmake", note);
    }

    [RequiresNativeBuildFact]
    public void A_build_made_for_another_cpu_is_not_taken()
    {
        var cache = CacheWithPrebuiltOnly();
        var bin = Directory.CreateDirectory(Path.Combine(cache, "llama.cpp-build-cpu-0123456789ab", "bin")).FullName;
        foreach (var library in Directory.EnumerateFiles(NativeBuilds.ForThisCpu()!, "lib*.so*"))
            File.CreateSymbolicLink(Path.Combine(bin, Path.GetFileName(library)), library);
        File.WriteAllText(Path.Combine(bin, "cpu.txt"), "model name\t: Another CPU\nflags\t\t: fpu sse2\n");

        var bench = RunBench(new() { ["BESTOFN_NATIVE_CACHE"] = cache });
        Assert.True(bench.ExitCode == 0, bench.Error);
        Assert.Equal("prebuilt", bench.Kind);

        File.WriteAllText(Path.Combine(bin, "cpu.txt"), NativeBuilds.ThisCpu() + "\n");
        bench = RunBench(new() { ["BESTOFN_NATIVE_CACHE"] = cache });
        Assert.Equal("source", bench.Kind);
        Assert.Equal(bin, bench.Directory);
    }

    [Fact]
    public void The_environment_variable_chooses_and_a_wrong_value_or_a_missing_build_is_one_clear_line()
    {
        var prebuilt = RunBench(new() { ["BESTOFN_NATIVES"] = "prebuilt" });
        Assert.True(prebuilt.ExitCode == 0, prebuilt.Error);
        Assert.Equal("prebuilt", prebuilt.Kind);
        Assert.DoesNotContain("note:", prebuilt.Error);

        var missing = RunBench(new() { ["BESTOFN_NATIVES"] = "source", ["BESTOFN_NATIVE_CACHE"] = CacheWithPrebuiltOnly() });
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("BESTOFN_NATIVES=source", missing.Error);
        Assert.Contains("scripts/build-llama.sh", missing.Error);
        Assert.DoesNotContain("   at ", missing.Error);

        var wrong = RunBench(new() { ["BESTOFN_NATIVES"] = "fast" });
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("'fast'", wrong.Error);
        Assert.DoesNotContain("   at ", wrong.Error);
    }
}
