using Tether.Proxy;

namespace Tether.Tests.Proxy;

/// <summary>The <c>Authorization</c> value is made once per token, and a new token is never answered with the old value.</summary>
public sealed class BearerHeadersTests
{
    [Fact]
    public void Header_SameTokenTwice_SameValueWithoutMakingANewOne()
    {
        var headers = new BearerHeaders();
        var token = string.Concat("tok", "en-1");

        var first = headers.Header(token);
        var second = headers.Header(token);

        Assert.Equal("Bearer token-1", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Header_TokenRefreshed_NewTokenSentAndOldOneNotReused()
    {
        var headers = new BearerHeaders();
        headers.Header("token-1");

        Assert.Equal("Bearer token-2", headers.Header("token-2"));
        Assert.Equal("Bearer token-1", headers.Header(string.Concat("token", "-1")));
    }

    [Fact]
    public void Header_NoToken_NoHeader()
    {
        Assert.Null(new BearerHeaders().Header(null));
    }
}
