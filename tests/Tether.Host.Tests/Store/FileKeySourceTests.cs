using Tether.Store;

namespace Tether.Tests.Store;

public sealed class FileKeySourceTests : IDisposable
{
    private readonly StoreTestHome _home = new();

    public void Dispose() => _home.Dispose();

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [Fact]
    public void GetOrCreateKey_FirstUse_Creates32ByteKeyFile0600In0700Folder()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var source = new FileKeySource(_home.Paths.KeysDirectory);

        var key = source.GetOrCreateKey();

        Assert.Equal(32, key.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(source.KeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_home.Paths.KeysDirectory));
        Assert.Equal(key, File.ReadAllBytes(source.KeyPath));
    }

    [Fact]
    public void GetOrCreateKey_SecondUse_ReturnsSameKey()
    {
        var first = new FileKeySource(_home.Paths.KeysDirectory).GetOrCreateKey();

        Assert.Equal(first, new FileKeySource(_home.Paths.KeysDirectory).GetOrCreateKey());
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void GetOrCreateKey_KeyFileOthersCanAccess_RefusedWithClearError(UnixFileMode extra)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var source = new FileKeySource(_home.Paths.KeysDirectory);
        source.GetOrCreateKey();
        File.SetUnixFileMode(source.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var error = Assert.Throws<TetherStoreException>(source.GetOrCreateKey);

        Assert.Contains(source.KeyPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("other users", error.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [Fact]
    public void GetOrCreateKey_KeyFolderOthersCanWrite_RefusedWithClearError()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var source = new FileKeySource(_home.Paths.KeysDirectory);
        source.GetOrCreateKey();
        File.SetUnixFileMode(_home.Paths.KeysDirectory, File.GetUnixFileMode(_home.Paths.KeysDirectory) | UnixFileMode.GroupWrite);

        var error = Assert.Throws<TetherStoreException>(source.GetOrCreateKey);

        Assert.Contains("chmod 700", error.Message, StringComparison.Ordinal);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [Fact]
    public async Task OpenAsync_KeyFileOthersCanRead_RefusesToOpenStore()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        (await _home.OpenAsync()).Dispose();
        var keyPath = Path.Combine(_home.Paths.KeysDirectory, FileKeySource.KeyFileName);
        File.SetUnixFileMode(keyPath, File.GetUnixFileMode(keyPath) | UnixFileMode.OtherRead);

        await Assert.ThrowsAsync<TetherStoreException>(() => _home.OpenAsync());
    }

    [Fact]
    public void GetOrCreateKey_DamagedKeyFile_RefusedWithClearError()
    {
        var source = new FileKeySource(_home.Paths.KeysDirectory);
        source.GetOrCreateKey();
        File.WriteAllBytes(source.KeyPath, [1, 2, 3]);

        var error = Assert.Throws<TetherStoreException>(source.GetOrCreateKey);

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }
}
