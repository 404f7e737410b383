namespace BestOfN.Llama.Native;

/// <summary>
/// llama.cpp builds that scripts/build-llama.sh made in the cache. Each one's bin/cpu.txt holds the /proc/cpuinfo model and
/// flag lines of the machine it was built for (-march=native): only a build for this CPU is taken, so a cache on shared
/// storage never runs one machine's build on another.
/// </summary>
public static class NativeBuilds
{
    /// <summary>The bin folder of the finished CPU build for this machine, or null when there is none.</summary>
    public static string? ForThisCpu()
    {
        var root = NativePackages.CacheRoot();
        if (!Directory.Exists(root)) return null;
        var cpu = ThisCpu();
        return Directory.EnumerateDirectories(root, "llama.cpp-build-cpu-*")
            .Select(build => Path.Combine(build, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "cpu.txt")) && File.ReadAllText(Path.Combine(bin, "cpu.txt")).Trim() == cpu)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The first 'model name' and 'flags' (or ARM 'Features') lines of /proc/cpuinfo, as the build script records them.</summary>
    public static string ThisCpu()
    {
        if (!File.Exists("/proc/cpuinfo")) return "";
        var lines = File.ReadAllLines("/proc/cpuinfo");
        var model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        var flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal));
        return string.Join('\n', new[] { model, flags }.OfType<string>()).Trim();
    }
}
