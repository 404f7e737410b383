using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using BestOfN.Llama.Native;

namespace BestOfN.Llama.Tests.Native;

/// <summary>
/// Compiles a C program against llama.cpp v0.5.0's own llama.h, prints sizeof/offsetof of every struct we mirror,
/// and checks our layouts match byte for byte. Mirrors drift when the header gains a field; this catches it.
/// </summary>
public class LlamaAbiTests
{
    private static readonly (string CStruct, Type Mirror, (string C, string Cs)[] Fields)[] Mirrors =
    [
        ("struct llama_model_params", typeof(LlamaModelParams),
        [
            ("devices", "Devices"), ("tensor_buft_overrides", "TensorBufferTypeOverrides"), ("n_gpu_layers", "NGpuLayers"),
            ("split_mode", "SplitMode"), ("load_mode", "LoadMode"), ("lazy_mode", "LazyMode"), ("main_gpu", "MainGpu"),
            ("tensor_split", "TensorSplit"), ("progress_callback", "ProgressCallback"), ("progress_callback_user_data", "ProgressCallbackUserData"),
            ("kv_overrides", "KvOverrides"), ("vocab_only", "VocabOnly"), ("check_tensors", "CheckTensors"),
            ("use_extra_bufts", "UseExtraBufferTypes"), ("no_host", "NoHost"), ("no_alloc", "NoAlloc"), ("load_mtp", "LoadMtp"),
        ]),
        ("struct llama_context_params", typeof(LlamaContextParams),
        [
            ("n_ctx", "NCtx"), ("n_batch", "NBatch"), ("n_ubatch", "NUbatch"), ("n_seq_max", "NSeqMax"), ("n_rs_seq", "NRsSeq"),
            ("n_outputs_max", "NOutputsMax"), ("n_outputs_max_per_seq", "NOutputsMaxPerSeq"), ("n_threads", "NThreads"),
            ("n_threads_batch", "NThreadsBatch"), ("ctx_type", "ContextType"), ("rope_scaling_type", "RopeScalingType"),
            ("pooling_type", "PoolingType"), ("attention_type", "AttentionType"), ("flash_attn_type", "FlashAttentionType"),
            ("rope_freq_base", "RopeFreqBase"), ("rope_freq_scale", "RopeFreqScale"), ("yarn_ext_factor", "YarnExtFactor"),
            ("yarn_attn_factor", "YarnAttnFactor"), ("yarn_beta_fast", "YarnBetaFast"), ("yarn_beta_slow", "YarnBetaSlow"),
            ("yarn_orig_ctx", "YarnOrigCtx"), ("defrag_thold", "DefragThreshold"), ("cb_eval", "CbEval"),
            ("cb_eval_user_data", "CbEvalUserData"), ("type_k", "TypeK"), ("type_v", "TypeV"), ("abort_callback", "AbortCallback"),
            ("abort_callback_data", "AbortCallbackData"), ("embeddings", "Embeddings"), ("offload_kqv", "OffloadKqv"),
            ("no_perf", "NoPerf"), ("op_offload", "OpOffload"), ("swa_full", "SwaFull"), ("kv_unified", "KvUnified"),
            ("samplers", "Samplers"), ("n_samplers", "NSamplers"), ("ctx_other", "ContextOther"),
        ]),
        ("struct llama_batch", typeof(LlamaBatchNative),
        [
            ("n_tokens", "NTokens"), ("token", "Token"), ("embd", "Embd"), ("pos", "Pos"), ("n_seq_id", "NSeqId"),
            ("seq_id", "SeqId"), ("logits", "Logits"),
        ]),
        ("struct llama_sampler_chain_params", typeof(LlamaSamplerChainParams), [("no_perf", "NoPerf")]),
        ("struct llama_chat_message", typeof(LlamaChatMessage), [("role", "Role"), ("content", "Content")]),
        ("struct llama_token_data", typeof(LlamaTokenData), [("id", "Id"), ("logit", "Logit"), ("p", "P")]),
        ("struct llama_token_data_array", typeof(LlamaTokenDataArray), [("data", "Data"), ("size", "Size"), ("selected", "Selected"), ("sorted", "Sorted")]),
    ];

    [RequiresCCompilerFact]
    public void Every_mirrored_struct_matches_llama_h_in_size_and_field_offsets()
    {
        var source = LlamaSource.Folder();
        var program = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llama.h\"\nint main(void) {\n");
        foreach (var (cStruct, _, fields) in Mirrors)
        {
            program.Append($"  printf(\"{cStruct} %zu\\n\", sizeof({cStruct}));\n");
            foreach (var (c, _) in fields) program.Append($"  printf(\"{cStruct}.{c} %zu\\n\", offsetof({cStruct}, {c}));\n");
        }
        program.Append("  return 0;\n}\n");

        var dir = Directory.CreateTempSubdirectory("bestofn-abi").FullName;
        File.WriteAllText(Path.Combine(dir, "abi.c"), program.ToString());
        Run("cc", $"-std=c11 -I \"{Path.Combine(source, "include")}\" -I \"{Path.Combine(source, "ggml", "include")}\" -o abi abi.c", dir);
        var native = Run(Path.Combine(dir, "abi"), "", dir)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(line => line[..line.LastIndexOf(' ')], line => long.Parse(line[(line.LastIndexOf(' ') + 1)..]));

        var mismatches = new List<string>();
        foreach (var (cStruct, mirror, fields) in Mirrors)
        {
            var size = Marshal.SizeOf(mirror);
            if (native[cStruct] != size) mismatches.Add($"sizeof({cStruct}) = {native[cStruct]}, {mirror.Name} = {size}");
            foreach (var (c, cs) in fields)
            {
                var offset = (long)Marshal.OffsetOf(mirror, cs);
                if (native[$"{cStruct}.{c}"] != offset) mismatches.Add($"offsetof({cStruct}, {c}) = {native[$"{cStruct}.{c}"]}, {mirror.Name}.{cs} = {offset}");
            }
            var mirrored = mirror.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public).Length;
            if (mirrored != fields.Length) mismatches.Add($"{mirror.Name} has {mirrored} fields, the test checks {fields.Length}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static string Run(string file, string args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {args} failed ({p.ExitCode}): {stderr}");
        return stdout;
    }
}

/// <summary>The llama.cpp v0.5.0 source, unpacked from node-llama-cpp's git bundle by scripts/llama-source.sh.</summary>
public static class LlamaSource
{
    private static readonly Lazy<string> Path_ = new(() =>
    {
        var psi = new ProcessStartInfo("bash", $"\"{Path.Combine(RepoPaths.Root, "scripts", "llama-source.sh")}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"scripts/llama-source.sh failed: {stderr}");
        return stdout.Trim().Split('\n')[^1];
    });

    public static string Folder() => Path_.Value;
}
