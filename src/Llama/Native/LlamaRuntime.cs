using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

/// <summary>How to find and start llama.cpp.</summary>
public sealed record LlamaRuntimeOptions
{
    /// <summary>A folder holding libllama and libggml (for example a CUDA build). The default value is null: use
    /// $BESTOFN_LLAMA_LIB_DIR, else the npm package the build step fetched into the cache.</summary>
    public string? LibraryDirectory { get; init; }

    /// <summary>Take the CUDA npm package (linux-x64-cuda) instead of the CPU one. The default value is false.</summary>
    public bool Cuda { get; init; }

    /// <summary>Forward llama.cpp's log lines at this level or above to stderr; null keeps it quiet. The default value is null.</summary>
    public LlamaLogLevel? LogLevel { get; init; }
}

public enum LlamaLogLevel { Debug = 1, Info = 2, Warn = 3, Error = 4 }

/// <summary>Where a process's llama.cpp came from.</summary>
public enum NativeSource
{
    /// <summary>Built from the v0.5.0 source for this CPU by scripts/build-llama.sh (what the build step makes when cmake and a compiler are present).</summary>
    Source,

    /// <summary>The npm package @node-llama-cpp/&lt;platform&gt;, built for a generic CPU.</summary>
    Prebuilt,

    /// <summary>A folder the user named (--llama-lib-dir or $BESTOFN_LLAMA_LIB_DIR).</summary>
    Custom,
}

/// <summary>The natives a process loaded.</summary>
/// <param name="Directory">The folder holding libllama and libggml.</param>
/// <param name="Source">How that folder was chosen.</param>
/// <param name="Note">A line for the user when the slower prebuilt natives were taken by default; otherwise null.</param>
public sealed record LoadedNatives(string Directory, NativeSource Source, string? Note)
{
    public string Describe() => Source switch
    {
        NativeSource.Source => $"built for this CPU ({Directory})",
        NativeSource.Prebuilt => $"npm prebuilt ({Directory})",
        _ => $"custom ({Directory})",
    };
}

/// <summary>
/// Loads llama.cpp once per process: installs the <see cref="NativeLibrary"/> resolver, loads the ggml backends
/// (the npm natives pick their CPU variant at run time, and without this call model loading fails with
/// 'no backends are loaded'), then calls llama_backend_init.
/// </summary>
public static class LlamaRuntime
{
    public const string LibraryDirectoryVariable = "BESTOFN_LLAMA_LIB_DIR";

    /// <summary>'source' or 'prebuilt': which natives to load when no folder is given; unset takes the source build when there is one.</summary>
    public const string NativesVariable = "BESTOFN_NATIVES";

    private static readonly Lock Gate = new();
    private static string? _loadedFrom;
    private static LoadedNatives? _natives;
    private static nint _llama;
    private static nint _ggml;
    private static nint _ggmlBase;
    private static int _logLevel = int.MaxValue;

    /// <summary>The folder llama.cpp was loaded from, once loaded.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>Which natives were loaded and from where, once loaded.</summary>
    public static LoadedNatives? Natives => _natives;

    public static void Load(LlamaRuntimeOptions? options = null)
    {
        options ??= new LlamaRuntimeOptions();
        lock (Gate)
        {
            var natives = ResolveDirectory(options);
            var directory = natives.Directory;
            var llamaPath = FindLibrary(directory, "llama");
            var ggmlPath = FindLibrary(directory, "ggml");
            if (_loadedFrom is not null)
            {
                if (!string.Equals(Path.GetFullPath(_loadedFrom), Path.GetFullPath(directory), StringComparison.Ordinal))
                    throw new LlamaException($"llama.cpp is already loaded from {_loadedFrom}; a process can load it from one folder only (asked for {directory}).");
                return;
            }

            try
            {
                _llama = NativeLibrary.Load(llamaPath);
                _ggml = NativeLibrary.Load(ggmlPath);
                // ggml's type traits live in libggml-base; a build that links it statically exports them from libggml.
                _ggmlBase = TryFindLibrary(directory, "ggml-base") is { } basePath ? NativeLibrary.Load(basePath) : _ggml;
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new LlamaException($"Could not load {llamaPath}: {e.Message}. The file may be for another platform or be missing a dependency.", e);
            }
            CheckExports();
            NativeLibrary.SetDllImportResolver(typeof(LlamaRuntime).Assembly, Resolve);
            _loadedFrom = directory;
            _natives = natives;
            if (options.LogLevel is { } level) _logLevel = (int)level;
            InstallLogger();

            NativeMethods.ggml_backend_load_all_from_path(directory);
            if (NativeMethods.ggml_backend_reg_count() == 0)
                throw new LlamaException($"No ggml backend could be loaded from {directory} (expected libggml-cpu-*.so or a GPU backend there).");
            NativeMethods.llama_backend_init();
        }
    }

    public static bool SupportsGpuOffload
    {
        get
        {
            EnsureLoaded();
            return NativeMethods.llama_supports_gpu_offload();
        }
    }

    public static string SystemInfo
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8(NativeMethods.llama_print_system_info()) ?? "";
        }
    }

    /// <summary>llama.cpp's compile-time cap on sequences per context (256 in v0.5.0).</summary>
    public static int MaxParallelSequences
    {
        get
        {
            EnsureLoaded();
            return (int)NativeMethods.llama_max_parallel_sequences();
        }
    }

    internal static void EnsureLoaded()
    {
        if (_loadedFrom is null) Load();
    }

    private static LoadedNatives ResolveDirectory(LlamaRuntimeOptions options)
    {
        if (!string.IsNullOrEmpty(options.LibraryDirectory))
            return new LoadedNatives(RequireDirectory(options.LibraryDirectory, "the --llama-lib-dir option"), NativeSource.Custom, null);
        var fromEnv = Environment.GetEnvironmentVariable(LibraryDirectoryVariable);
        if (!string.IsNullOrEmpty(fromEnv)) return new LoadedNatives(RequireDirectory(fromEnv, $"${LibraryDirectoryVariable}"), NativeSource.Custom, null);

        var choice = Environment.GetEnvironmentVariable(NativesVariable);
        if (!string.IsNullOrEmpty(choice) && choice is not ("source" or "prebuilt"))
            throw new LlamaException($"${NativesVariable} is '{choice}'; it takes 'source' (llama.cpp built for this CPU by scripts/build-llama.sh) or 'prebuilt' (the npm natives).");
        if (choice != "prebuilt" && !options.Cuda)
        {
            if (NativeBuilds.ForThisCpu() is { } built) return new LoadedNatives(built, NativeSource.Source, null);
            if (choice == "source")
                throw new LlamaException($"${NativesVariable}=source, but no llama.cpp build for this CPU is in {NativePackages.CacheRoot()}. Build it with scripts/build-llama.sh (needs cmake and a C++ compiler).");
        }

        var package = NativePackages.ForCurrentPlatform(options.Cuda);
        var dir = NativePackages.LibraryDirectory(package);
        if (!Directory.Exists(dir))
        {
            throw new LlamaException(
                $"llama.cpp natives for {package.Platform} are not in the cache ({dir}). They are fetched by the build with " +
                $"'npm pack {package.PackageSpec}': run 'dotnet build{(package.Platform == "linux-x64" ? "" : $" -p:LlamaNativePlatform={package.Platform}")}' with Node.js/npm installed and the npm registry reachable, " +
                $"or set {LibraryDirectoryVariable} to a folder holding libllama and libggml (for example a build made with scripts/build-llama.sh).");
        }

        // Chosen by default rather than asked for: say once what it costs and how to get the faster build.
        var note = choice == "prebuilt" || options.Cuda ? null
            : "note: using the npm prebuilt llama.cpp natives, which run 30-45% slower than a build for this CPU. Install cmake and g++ and run " +
              $"'dotnet build' again (or scripts/build-llama.sh); {NativesVariable}=prebuilt hides this note.";
        return new LoadedNatives(dir, NativeSource.Prebuilt, note);
    }

    private static string RequireDirectory(string dir, string source)
    {
        if (!Directory.Exists(dir)) throw new LlamaException($"The llama.cpp library folder {dir} (from {source}) does not exist.");
        return dir;
    }

    private static string FindLibrary(string directory, string name) =>
        TryFindLibrary(directory, name)
        ?? throw new LlamaException($"No {string.Join(" or ", Candidates(name))} in {directory}. Point {LibraryDirectoryVariable} at a llama.cpp v0.5.0 build (scripts/build-llama.sh makes one).");

    private static string? TryFindLibrary(string directory, string name) =>
        Candidates(name).Select(c => Path.Combine(directory, c)).FirstOrDefault(File.Exists);

    // npm natives carry the release in the file name (libllama.v0.5.0.so); cmake builds use the plain name.
    private static string[] Candidates(string name) => OperatingSystem.IsWindows() ? [$"{name}.dll"]
        : OperatingSystem.IsMacOS() ? [$"lib{name}.v0.5.0.dylib", $"lib{name}.dylib"]
        : [$"lib{name}.v0.5.0.so", $"lib{name}.so"];

    // A library of another release lacks or renames symbols we bind; say so up front instead of failing mid-run.
    private static void CheckExports()
    {
        string[] required = ["llama_memory_seq_cp", "llama_model_load_from_file", "llama_init_from_model", "llama_sampler_chain_init", "llama_vocab_is_eog", "llama_get_memory"];
        foreach (var symbol in required)
        {
            if (!NativeLibrary.TryGetExport(_llama, symbol, out _))
                throw new LlamaException($"The libllama loaded does not export {symbol}: it is not llama.cpp v0.5.0 (node-llama-cpp {NativePackages.ExpectedVersion}). Use a build of that release.");
        }

        if (!NativeLibrary.TryGetExport(_ggml, "ggml_backend_load_all_from_path", out _))
            throw new LlamaException("The libggml loaded does not export ggml_backend_load_all_from_path: it is not from llama.cpp v0.5.0.");
        foreach (var symbol in (string[])["ggml_get_type_traits", "ggml_quantize_chunk"])
        {
            if (!NativeLibrary.TryGetExport(_ggmlBase, symbol, out _))
                throw new LlamaException($"Neither libggml-base nor libggml exports {symbol}: the ggml loaded is not from llama.cpp v0.5.0.");
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        NativeMethods.LlamaLibrary => _llama,
        NativeMethods.GgmlLibrary => _ggml,
        NativeMethods.GgmlBaseLibrary => _ggmlBase,
        _ => nint.Zero,
    };

    private static unsafe void InstallLogger() => NativeMethods.llama_log_set(&OnLog, nint.Zero);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnLog(int level, byte* text, nint userData)
    {
        // ggml_log_level: 0 none, 1 debug, 2 info, 3 warn, 4 error, 5 cont.
        if (level < _logLevel || level == 5) return;
        var line = Marshal.PtrToStringUTF8((nint)text);
        if (line is not null) Console.Error.Write(line);
    }
}
