using BestOfN.Llama.Gguf;
using BestOfN.Llama.Native;

namespace BestOfN.TestSupport;

/// <summary>Tiny GGUF models written once per test run into a temp folder, loaded by the real llama.cpp.</summary>
public static class TestModels
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bestofn-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        return dir;
    });

    private static readonly Lazy<string> DefaultPath = new(() => WriteModel("tiny.gguf", new TinyLlamaSpec()));

    /// <summary>The default tiny model (64-wide, 2 layers, ChatML template).</summary>
    public static string Tiny
    {
        get
        {
            LlamaRuntime.Load();
            return DefaultPath.Value;
        }
    }

    public static string WriteModel(string name, TinyLlamaSpec spec)
    {
        var path = Path.Combine(Folder.Value, name);
        TinyLlamaModel.Write(path, spec);
        return path;
    }

    public static string TempFile(string name) => Path.Combine(Folder.Value, $"{Guid.NewGuid():N}-{name}");
}
