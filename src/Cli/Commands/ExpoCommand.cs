using System.CommandLine;
using System.Globalization;
using BestOfN.Cli.Options;
using BestOfN.Cli.Progress;
using BestOfN.Llama.Native;
using BestOfN.Pipeline.Expo;

namespace BestOfN.Cli.Commands;

/// <summary>`expo`: an ExPO model extrapolated from an SFT model and an aligned model, θ = θ_sft + (1+α)(θ_aligned − θ_sft).</summary>
internal static class ExpoCommand
{
    private static readonly Option<FileInfo> Sft = new Option<FileInfo>("--sft") { Description = "The SFT model (GGUF) the aligned model was trained from", Required = true }.AcceptExistingOnly();
    private static readonly Option<FileInfo> Aligned = new Option<FileInfo>("--aligned") { Description = "The aligned model (GGUF: DPO, RLHF, …)", Required = true }.AcceptExistingOnly();
    private static readonly Option<double> Alpha = new("--alpha") { Description = "Extrapolation strength α (ExPO used 0.3 and 0.5; 0 gives the aligned model, -1 the SFT model)", Required = true };
    private static readonly Option<FileInfo> Out = new("--out") { Description = "The GGUF to write (never one of the inputs)", Required = true };
    private static readonly Option<string?> Type = new("--type") { Description = "Output type: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q6_k, q4_k_m, q5_k_m (default: the aligned model's)" };
    private static readonly NativeOptions Native = new();

    public static Command Create()
    {
        var command = new Command("expo", "Extrapolate an aligned model away from its SFT model (ExPO, Zheng et al. 2024), tensor by tensor, into a new GGUF")
        {
            Sft, Aligned, Alpha, Out, Type, Native.LibraryDirectory,
        };
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr, ct)));
        return command;
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        // llama.cpp's libggml is needed only for quantized tensors, and is then loaded from the default place unless a folder is given.
        if (pr.GetValue(Native.LibraryDirectory) is { } libraries) LlamaRuntime.Load(new LlamaRuntimeOptions { LibraryDirectory = libraries.FullName });
        var request = new ExpoRequest(pr.GetValue(Sft)!.FullName, pr.GetValue(Aligned)!.FullName, pr.GetValue(Alpha), pr.GetValue(Out)!.FullName)
        {
            Type = pr.GetValue(Type),
        };
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, Program.Interruption);
        ExpoResult result;
        try
        {
            result = ProgressDisplays.Expo("expo", pr.InvocationConfiguration.Error, progress => ExpoMerge.Run(request, progress, linked.Token));
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Unlike a run, a merge keeps nothing: the temporary file is removed, and the command starts over.
            pr.InvocationConfiguration.Error.WriteLine($"interrupted: {request.OutPath} was not written; rerun the command to start over");
            return ExitCodes.Interrupted;
        }
        var output = pr.InvocationConfiguration.Output;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {result.OutPath}: {result.Tensors} tensors, {result.Type}, alpha {result.Alpha}, {result.Bytes / 1e6:F1} MB"));
        output.WriteLine($"sft sha256 {result.SftSha256}, aligned sha256 {result.AlignedSha256}");
        return ExitCodes.Ok;
    }
}
