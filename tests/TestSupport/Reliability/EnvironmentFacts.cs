using System.Diagnostics;
using Xunit;

namespace BestOfN.TestSupport.Reliability;

/// <summary>A test that needs chmod to deny a write: skipped, with the reason, where it does not (root ignores file modes).</summary>
public sealed class PermissionDenialFactAttribute : FactAttribute
{
    public PermissionDenialFactAttribute()
    {
        if (!SmallTmpfs.PermissionsDenyWrites.Value) Skip = "chmod does not stop writes here (running as root): a real permission denial cannot be tested.";
    }
}

/// <summary>A test that needs a small tmpfs to fill: skipped, with the reason, where mounting is not permitted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!SmallTmpfs.CanMount.Value) Skip = "mounting a tmpfs is not permitted here (it needs root with CAP_SYS_ADMIN): a full disk cannot be tested.";
    }
}

/// <summary>A tmpfs of a few hundred KiB mounted on a fresh folder, to fill up; unmounted on dispose.</summary>
public sealed class SmallTmpfs : IDisposable
{
    public static readonly Lazy<bool> CanMount = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            using var probe = new SmallTmpfs(64);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    });

    public static readonly Lazy<bool> PermissionsDenyWrites = new(() =>
    {
        if (OperatingSystem.IsWindows()) return false;
        var dir = Directory.CreateTempSubdirectory("bestofn-chmod");
        try
        {
            File.SetUnixFileMode(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.WriteAllText(System.IO.Path.Combine(dir.FullName, "probe"), "");
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        finally
        {
            File.SetUnixFileMode(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            dir.Delete(recursive: true);
        }
    });

    /// <exception cref="InvalidOperationException">mount failed (not permitted here).</exception>
    public SmallTmpfs(int kibibytes)
    {
        Path = Directory.CreateTempSubdirectory("bestofn-tmpfs").FullName;
        if (RunTool("mount", "-t", "tmpfs", "-o", $"size={kibibytes}k", "tmpfs", Path) is { } error)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException($"mount failed: {error}");
        }
    }

    public string Path { get; }

    /// <summary>Gives the file system more (or less) room, keeping its files.</summary>
    public void Resize(int kibibytes)
    {
        if (RunTool("mount", "-o", $"remount,size={kibibytes}k", Path) is { } error) throw new InvalidOperationException($"remount failed: {error}");
    }

    /// <summary>Makes the file system read-only: writes fail with EROFS, for root too.</summary>
    public void RemountReadOnly()
    {
        if (RunTool("mount", "-o", "remount,ro", Path) is { } error) throw new InvalidOperationException($"remount failed: {error}");
    }

    public void Dispose()
    {
        RunTool("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    /// <summary>Runs a tool; null when it succeeded, else what it printed.</summary>
    private static string? RunTool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
