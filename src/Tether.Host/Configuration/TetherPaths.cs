namespace Tether.Configuration;

/// <summary>
/// Where Tether keeps its state: <c>TETHER_HOME</c> when set, else the platform's user state folder
/// (<c>$XDG_STATE_HOME/tether</c> or <c>~/.local/state/tether</c> on Linux, <c>~/Library/Application Support/Tether</c>
/// on macOS, <c>%LOCALAPPDATA%\Tether</c> on Windows).
/// </summary>
public sealed class TetherPaths
{
    /// <summary>The environment variable that moves all state to one folder.</summary>
    public const string HomeVariable = "TETHER_HOME";

    /// <summary>The permissions of every folder Tether creates on Unix: the user only.</summary>
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The permissions of every secret file Tether creates on Unix: the user only.</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Uses <paramref name="home"/> as the state folder.</summary>
    /// <param name="home">An absolute folder path; created by <see cref="EnsureCreated"/>.</param>
    public TetherPaths(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Home = Path.GetFullPath(home);
    }

    /// <summary>The state folder.</summary>
    public string Home { get; }

    /// <summary>The SQLite database (<c>tether.db</c>).</summary>
    public string DatabasePath => Path.Combine(Home, "tether.db");

    /// <summary>The folder holding the key file when no OS keyring is used (<c>keys/</c>).</summary>
    public string KeysDirectory => Path.Combine(Home, "keys");

    /// <summary>The folder of log files (<c>logs/</c>).</summary>
    public string LogsDirectory => Path.Combine(Home, "logs");

    /// <summary>The folder of cross-process lock files (<c>locks/</c>).</summary>
    public string LocksDirectory => Path.Combine(Home, "locks");

    /// <summary>The file a running host holds an exclusive OS lock on for its whole life (<c>host.lock</c>).</summary>
    public string HostLockPath => Path.Combine(Home, "host.lock");

    /// <summary>Where a running host writes its address for the CLI (<c>host.json</c>).</summary>
    public string HostAddressPath => Path.Combine(Home, "host.json");

    /// <summary>The optional settings file (<c>config.json</c>).</summary>
    public string ConfigPath => Path.Combine(Home, "config.json");

    /// <summary>Resolves the state folder from the process environment.</summary>
    public static TetherPaths FromEnvironment() => new(ResolveHome(Environment.GetEnvironmentVariable, CurrentPlatform()));

    /// <summary>The log file of one workload.</summary>
    public string WorkloadLogPath(string workload) => Path.Combine(LogsDirectory, SafeFileName(workload) + ".log");

    /// <summary>The lock file guarding one workload's refresh lease across processes.</summary>
    public string WorkloadLockPath(string workload) => Path.Combine(LocksDirectory, SafeFileName(workload) + ".lock");

    /// <summary>
    /// Creates the state folder (user-only on Unix) and its sub-folders, or checks the one that exists: a folder other
    /// users can write to is refused, as is one that cannot be written.
    /// </summary>
    /// <exception cref="TetherHomeException">The folder cannot be used; the message says why and what to do.</exception>
    public void EnsureCreated()
    {
        try
        {
            CreatePrivateDirectory(Home);
            CheckNotWritableByOthers();
            CreatePrivateDirectory(KeysDirectory);
            CreatePrivateDirectory(LogsDirectory);
            CreatePrivateDirectory(LocksDirectory);
            ProbeWritable();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TetherHomeException(
                $"cannot use {Home} as Tether's home ({ex.Message}); make it a folder you can write, or set {HomeVariable} to one", ex);
        }
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) with user-only permissions on Unix.</summary>
    /// <remarks>A folder that already exists keeps its permissions; callers that need them check.</remarks>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // The user profile's ACLs already keep other users out of LocalApplicationData.
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, PrivateDirectoryMode);
        }
    }

    /// <summary>Creates an empty file readable by the user only on Unix, unless it exists.</summary>
    public static void CreatePrivateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        using var stream = new FileStream(path, options);
    }

    private void CheckNotWritableByOthers()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(Home);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            // Anyone who can write here could swap the store, the key folder or host.json under the user.
            throw new TetherHomeException(
                $"{Home} can be written by other users (mode {Convert.ToString((int)mode, 8)}); refusing to use it as Tether's home. Run: chmod 700 {Home}");
        }
    }

    /// <summary>A folder that exists but is read-only (a read-only mount, another owner) fails here, not half-way through start-up.</summary>
    private void ProbeWritable()
    {
        var probe = Path.Combine(Home, $".write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
        }
    }

    internal static string ResolveHome(Func<string, string?> getEnvironmentVariable, TetherPlatform platform)
    {
        var explicitHome = getEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(explicitHome))
        {
            return Path.GetFullPath(explicitHome);
        }

        return platform switch
        {
            TetherPlatform.Windows => Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
                "Tether"),
            TetherPlatform.MacOS => Path.Combine(UserHome(getEnvironmentVariable), "Library", "Application Support", "Tether"),
            _ => Path.Combine(XdgStateHome(getEnvironmentVariable), "tether"),
        };
    }

    internal static TetherPlatform CurrentPlatform() =>
        OperatingSystem.IsWindows() ? TetherPlatform.Windows
        : OperatingSystem.IsMacOS() ? TetherPlatform.MacOS
        : TetherPlatform.Unix;

    internal static string SafeFileName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var safe = name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name[0] != '.';
        if (safe)
        {
            return name;
        }

        // Names outside the portable file-name set get a stable hash so no name can escape the folder.
        return "w-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..32];
    }

    private static string XdgStateHome(Func<string, string?> getEnvironmentVariable)
    {
        // The XDG spec says a relative value is invalid and must be ignored.
        var xdg = getEnvironmentVariable("XDG_STATE_HOME");
        return !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(UserHome(getEnvironmentVariable), ".local", "state");
    }

    private static string UserHome(Func<string, string?> getEnvironmentVariable)
    {
        var home = getEnvironmentVariable("HOME");
        return !string.IsNullOrWhiteSpace(home) ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    }
}
