using Tether.Store;

namespace Tether.Tests.Store;

public sealed class KeySourcesTests : IDisposable
{
    private readonly StoreTestHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(null, KeySourceMode.Auto)]
    [InlineData("", KeySourceMode.Auto)]
    [InlineData("auto", KeySourceMode.Auto)]
    [InlineData("Keyring", KeySourceMode.Keyring)]
    [InlineData(" file ", KeySourceMode.File)]
    public void ParseMode_KnownValue_Parses(string? value, KeySourceMode expected) =>
        Assert.Equal(expected, KeySources.ParseMode(value));

    [Fact]
    public void ParseMode_UnknownValue_NamesSettingAndExpectedForm()
    {
        var error = Assert.Throws<TetherStoreException>(() => KeySources.ParseMode("vault"));

        Assert.Contains("TETHER_KEY_SOURCE", error.Message, StringComparison.Ordinal);
        Assert.Contains("auto, keyring or file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AutoWithoutKeyring_FallsBackToKeyFile()
    {
        var (source, key) = KeySources.Open(_home.Paths, KeySourceMode.Auto, () => new UnavailableKeyring());

        Assert.Equal("file", source.Name);
        Assert.Equal(key, File.ReadAllBytes(Path.Combine(_home.Paths.KeysDirectory, FileKeySource.KeyFileName)));
    }

    [Fact]
    public void Open_AutoWithExistingKeyFile_KeepsTheFileEvenWhenAKeyringAppears()
    {
        var (_, fileKey) = KeySources.Open(_home.Paths, KeySourceMode.File, () => new UnavailableKeyring());
        var keyring = new WorkingKeyring();

        var (source, key) = KeySources.Open(_home.Paths, KeySourceMode.Auto, () => keyring);

        Assert.Equal("file", source.Name);
        Assert.Equal(fileKey, key);
        Assert.False(keyring.Used);
    }

    [Fact]
    public void Open_AutoWithKeyring_UsesKeyringAndWritesNoKeyFile()
    {
        var (source, _) = KeySources.Open(_home.Paths, KeySourceMode.Auto, () => new WorkingKeyring());

        Assert.Equal("keyring", source.Name);
        Assert.False(File.Exists(Path.Combine(_home.Paths.KeysDirectory, FileKeySource.KeyFileName)));
    }

    [Fact]
    public void Open_KeyringForcedButUnavailable_FailsWithFix()
    {
        var error = Assert.Throws<TetherStoreException>(() => KeySources.Open(_home.Paths, KeySourceMode.Keyring, () => new UnavailableKeyring()));

        Assert.Contains("TETHER_KEY_SOURCE=file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyringKeySource_NoSecretServiceOnThisMachine_ThrowsTetherStoreExceptionAndAutoFallsBack()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") is null, "needs a Linux session without a secret service");
        var keyring = new KeyringKeySource(_home.Paths.KeysDirectory, _home.Paths.Home);

        var error = Assert.Throws<TetherStoreException>(keyring.GetOrCreateKey);
        Assert.Contains("TETHER_KEY_SOURCE=file", error.Message, StringComparison.Ordinal);

        var (source, key) = KeySources.Open(_home.Paths, KeySourceMode.Auto);
        Assert.Equal("file", source.Name);
        Assert.Equal(32, key.Length);
    }

    private sealed class UnavailableKeyring : IKeySource
    {
        public string Name => "keyring";

        public byte[] GetOrCreateKey() => throw new TetherStoreException("The OS keyring is not available. Set TETHER_KEY_SOURCE=file.");
    }

    private sealed class WorkingKeyring : IKeySource
    {
        public bool Used { get; private set; }

        public string Name => "keyring";

        public byte[] GetOrCreateKey()
        {
            Used = true;
            return new byte[32];
        }
    }
}
