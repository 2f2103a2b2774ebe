using System.Text.Json;
using Tether.Api;
using Tether.Configuration;

namespace Tether.Hosting;

/// <summary><c>TETHER_HOME/host.json</c>: how the CLI finds the running host. User-only, removed when the host stops.</summary>
public static class HostInfoFile
{
    /// <summary>The host's own log file.</summary>
    public static string LogPath(TetherPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(paths.LogsDirectory, "host.log");
    }

    /// <summary>Reads the file, or <see langword="null"/> when there is none or it is unreadable.</summary>
    public static HostInfo? TryRead(TetherPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(paths.HostAddressPath));
            return ApiReader.HostInfo(json.RootElement);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static void Write(TetherPaths paths, HostInfo info)
    {
        var temp = paths.HostAddressPath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, info, ApiJson.Default.HostInfo);
        }

        File.Move(temp, paths.HostAddressPath, overwrite: true);
    }

    internal static void Delete(TetherPaths paths, int pid)
    {
        if (TryRead(paths) is { } info && info.Pid == pid)
        {
            File.Delete(paths.HostAddressPath);
        }
    }
}
