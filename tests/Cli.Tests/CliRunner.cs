using System.CommandLine;
using System.Diagnostics;
using BestOfN.Llama.Gguf;

namespace BestOfN.Cli.Tests;

/// <summary>Runs bestofn commands in process, or as a real child process where a test must kill it.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    private static readonly Lock Gate = new();

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code;
        // Spectre and Console are process-wide; one in-process invocation at a time.
        lock (Gate) code = Program.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }).GetAwaiter().GetResult();
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Starts bestofn as its own process (the dll next to the tests), with output captured.</summary>
    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Start(string[])"/>, with these environment variables set for the child (a scheduler's, for instance).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "bestofn.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("bestofn-cli").FullName;

    private static readonly Lazy<string> TinyModelPath = new(() =>
    {
        var path = Path.Combine(TempDir(), "tiny.gguf");
        TinyLlamaModel.Write(path, new TinyLlamaSpec());
        return path;
    });

    public static string TinyModel => TinyModelPath.Value;

    /// <summary>A small GSM8K-format file with the given number of problems.</summary>
    public static string Gsm8kFile(int problems)
    {
        var path = Path.Combine(TempDir(), "gsm8k.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, problems).Select(i =>
            $"{{\"question\": \"Sam has {i} apples and buys {i + 2} more. How many apples does he have?\", \"answer\": \"{i} + {i + 2} = {2 * i + 2}\\n#### {2 * i + 2}\"}}"));
        return path;
    }
}
