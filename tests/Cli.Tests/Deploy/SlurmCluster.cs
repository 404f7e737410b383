using System.Diagnostics;

namespace BestOfN.Cli.Tests.Deploy;

/// <summary>
/// The one-node Slurm cluster deploy/slurm/single-node.sh runs on this machine (.ci/run starts it). Only that cluster is used: its own
/// SLURM_CONF, never a real cluster's /etc/slurm.
/// </summary>
public static class SlurmCluster
{
    public static string Script { get; } = Path.Combine(RepoPaths.Root, "deploy", "slurm", "single-node.sh");

    private static readonly Lazy<(string? Conf, string Why)> State = new(() =>
    {
        var (code, output) = Shell.Run(new Dictionary<string, string>(), "bash", Script, "status");
        var conf = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("export SLURM_CONF=", StringComparison.Ordinal));
        return code == 0 && conf is not null ? (conf["export SLURM_CONF=".Length..], "") : (null, output.Trim());
    });

    /// <summary>The cluster's slurm.conf (clients need it as SLURM_CONF), or null when its node does not answer.</summary>
    public static string? Conf => State.Value.Conf;

    /// <summary>Why the cluster cannot be used: single-node.sh status's own line.</summary>
    public static string Why => State.Value.Why;

    public static string SkipReason =>
        $"No Slurm cluster: {Why}. .ci/run starts the one-node cluster of deploy/slurm/single-node.sh (Debian's slurm-wlm and munge); "
        + "SlurmScriptTests still runs the scripts by bash with the array variables set by hand.";
}

/// <summary>A fact that is skipped, with the reason, when the single-node Slurm cluster does not answer (sinfo).</summary>
public sealed class RequiresSlurmClusterFactAttribute : FactAttribute
{
    public RequiresSlurmClusterFactAttribute()
    {
        if (SlurmCluster.Conf is null) Skip = SlurmCluster.SkipReason;
    }
}

/// <summary>A child process with its output and error captured together.</summary>
public static class Shell
{
    public static Process Start(IReadOnlyDictionary<string, string> environment, string program, params string[] args) =>
        StartIn(null, environment, program, args);

    public static Process StartIn(string? workingDirectory, IReadOnlyDictionary<string, string> environment, string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        return Process.Start(psi)!;
    }

    public static (int Code, string Output) Finish(Process process)
    {
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error.Result);
        }
    }

    public static (int Code, string Output) Run(IReadOnlyDictionary<string, string> environment, string program, params string[] args) =>
        Finish(Start(environment, program, args));
}
