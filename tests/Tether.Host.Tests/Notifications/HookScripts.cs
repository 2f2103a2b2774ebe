namespace Tether.Tests.Notifications;

/// <summary>Small executable shell scripts in a temporary folder, to stand in for a user's hook.</summary>
internal sealed class HookScripts : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("tether-hooks-").FullName;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public string Write(string name, string body)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
