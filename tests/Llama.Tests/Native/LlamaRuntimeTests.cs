using BestOfN.Llama.Native;

namespace BestOfN.Llama.Tests.Native;

public class LlamaRuntimeTests
{
    [Fact]
    public void A_library_folder_that_does_not_exist_is_named_in_the_error()
    {
        var e = Assert.Throws<LlamaException>(() => LlamaRuntime.Load(new LlamaRuntimeOptions { LibraryDirectory = "/no/such/folder" }));
        Assert.Contains("/no/such/folder", e.Message);
    }

    [Fact]
    public void A_folder_without_libllama_says_what_it_looked_for_and_what_to_do()
    {
        var dir = Directory.CreateTempSubdirectory("bestofn-nolib").FullName;
        var e = Assert.Throws<LlamaException>(() => LlamaRuntime.Load(new LlamaRuntimeOptions { LibraryDirectory = dir }));
        Assert.Contains("libllama.v0.5.0.so or libllama.so", e.Message);
        Assert.Contains(LlamaRuntime.LibraryDirectoryVariable, e.Message);
    }

    [Fact]
    public void The_default_natives_load_with_their_cpu_backend_and_the_256_sequence_cap()
    {
        LlamaRuntime.Load();
        // The build for this CPU when the build step made one, else the npm package.
        var expected = NativeBuilds.ForThisCpu() ?? NativePackages.LibraryDirectory(NativePackages.ForCurrentPlatform());
        Assert.Equal(expected, LlamaRuntime.LoadedFrom);
        Assert.Equal(expected, LlamaRuntime.Natives?.Directory);
        Assert.Equal(256, LlamaRuntime.MaxParallelSequences);
        Assert.Contains("CPU", LlamaRuntime.SystemInfo);
    }

    [Fact]
    public void Every_platform_maps_to_a_package_and_only_some_are_served_at_the_expected_version()
    {
        Assert.Equal(["linux-x64", "linux-x64-cuda", "linux-arm64", "win-x64", "mac-arm64-metal", "mac-x64"], NativePackages.All.Select(p => p.Platform));
        Assert.Equal("@node-llama-cpp/linux-x64@3.22.1", NativePackages.All[0].PackageSpec);
        Assert.Equal("3.21.1", NativePackages.All.Single(p => p.Platform == "win-x64").Version);
    }
}
