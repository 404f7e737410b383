using System.CommandLine;
using BestOfN.Llama.Native;

namespace BestOfN.Cli.Options;

/// <summary>Options every command that runs llama.cpp shares: where its libraries are, and GPU use.</summary>
internal sealed class NativeOptions : IOptionGroup
{
    public Option<DirectoryInfo?> LibraryDirectory { get; } = new("--llama-lib-dir")
    {
        Description = $"Folder with libllama/libggml to use (e.g. a CUDA build from scripts/build-llama.sh --cuda); also ${LlamaRuntime.LibraryDirectoryVariable}. Without it: the build for this CPU, else the npm natives (${LlamaRuntime.NativesVariable}=source|prebuilt chooses)",
    };

    public Option<bool> Cuda { get; } = new("--cuda") { Description = "Use the CUDA build of the npm natives (@node-llama-cpp/linux-x64-cuda)" };

    public Option<int> GpuLayers { get; } = new("--gpu-layers") { Description = "Layers to offload to the GPU (-1 = all)", DefaultValueFactory = _ => 0 };

    public Option<int> Threads { get; } = new("--threads") { Description = "CPU threads (0 = all cores)", DefaultValueFactory = _ => 0 };

    public Option<LlamaLogLevel?> Log { get; } = new("--llama-log") { Description = "Show llama.cpp's own log at this level (Debug, Info, Warn, Error)" };

    public void AddTo(Command command)
    {
        AddLibraryTo(command);
        command.Options.Add(GpuLayers);
        command.Options.Add(Threads);
    }

    /// <summary>Only where the libraries are and their log: for commands whose threads and GPU layers come from elsewhere (an experiment file).</summary>
    public void AddLibraryTo(Command command)
    {
        command.Options.Add(LibraryDirectory);
        command.Options.Add(Cuda);
        command.Options.Add(Log);
    }

    public void Load(ParseResult pr)
    {
        var firstLoad = LlamaRuntime.Natives is null;
        LlamaRuntime.Load(new LlamaRuntimeOptions
        {
            LibraryDirectory = pr.GetValue(LibraryDirectory)?.FullName,
            Cuda = pr.GetValue(Cuda),
            LogLevel = pr.GetValue(Log),
        });
        if (firstLoad && LlamaRuntime.Natives?.Note is { } note) pr.InvocationConfiguration.Error.WriteLine(note);
    }
}
