using System.Text;
using Tether.Store;

namespace Tether.Tests.Store;

public sealed class TetherStoreRegistrationTests : IDisposable
{
    private readonly StoreTestHome _home = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task GetRegistrationAsync_SavedForIssuer_IsReusedAndOtherIssuersUnaffected()
    {
        using var store = await _home.OpenAsync();
        await store.SaveRegistrationAsync(new ClientRegistration("https://as.test", "dcr-1", null, RegistrationKind.Dynamic, 40001), _ct);

        var cached = await store.GetRegistrationAsync("https://as.test", RegistrationKind.Dynamic, null, _ct);

        Assert.NotNull(cached);
        Assert.Equal("dcr-1", cached.ClientId);
        Assert.Equal(40001, cached.CallbackPort);
        Assert.Equal(_home.Time.GetUtcNow(), cached.CreatedAt);
        Assert.Null(await store.GetRegistrationAsync("https://other-as.test", RegistrationKind.Dynamic, null, _ct));
        Assert.Null(await store.GetRegistrationAsync("https://as.test", RegistrationKind.PreRegistered, null, _ct));
    }

    [Fact]
    public async Task GetRegistrationAsync_SeveralForIssuer_ReturnsNewestOrTheOneAskedFor()
    {
        using var store = await _home.OpenAsync();
        await store.SaveRegistrationAsync(new ClientRegistration("https://as.test", "dcr-1", null, RegistrationKind.Dynamic, 40001), _ct);
        _home.Time.Advance(TimeSpan.FromMinutes(1));
        await store.SaveRegistrationAsync(new ClientRegistration("https://as.test", "dcr-2", null, RegistrationKind.Dynamic, 40002), _ct);

        Assert.Equal("dcr-2", (await store.GetRegistrationAsync("https://as.test", RegistrationKind.Dynamic, null, _ct))!.ClientId);
        Assert.Equal(40001, (await store.GetRegistrationAsync("https://as.test", RegistrationKind.Dynamic, "dcr-1", _ct))!.CallbackPort);
        Assert.Equal(2, (await store.ListRegistrationsAsync("https://as.test", _ct)).Count);
    }

    [Fact]
    public async Task SaveRegistrationAsync_ClientSecret_RoundTripsAndIsNotOnDisk()
    {
        const string Secret = "client-secret-9f8e7d6c5b4a";
        using var store = await _home.OpenAsync();

        await store.SaveRegistrationAsync(new ClientRegistration("https://as.test", "app", Secret, RegistrationKind.PreRegistered, 40010), _ct);
        var cached = await store.GetRegistrationAsync("https://as.test", RegistrationKind.PreRegistered, "app", _ct);

        Assert.Equal(Secret, cached!.ClientSecret);
        Assert.DoesNotContain(Secret, cached.ToString(), StringComparison.Ordinal);
        store.Checkpoint();
        _home.AssertNowhereOnDisk(Encoding.UTF8.GetBytes(Secret));
    }

    [Fact]
    public async Task DeleteRegistrationAsync_Reregister_ForgetsOnlyThatClient()
    {
        using var store = await _home.OpenAsync();
        await store.SaveRegistrationAsync(new ClientRegistration("https://as.test", "dcr-1", null, RegistrationKind.Dynamic, 40001), _ct);
        await store.SaveRegistrationAsync(new ClientRegistration("https://as.test", "cimd", null, RegistrationKind.MetadataDocument, 40003), _ct);

        Assert.True(await store.DeleteRegistrationAsync("https://as.test", "dcr-1", _ct));
        Assert.False(await store.DeleteRegistrationAsync("https://as.test", "dcr-1", _ct));

        Assert.Null(await store.GetRegistrationAsync("https://as.test", RegistrationKind.Dynamic, null, _ct));
        Assert.NotNull(await store.GetRegistrationAsync("https://as.test", RegistrationKind.MetadataDocument, null, _ct));
    }
}
