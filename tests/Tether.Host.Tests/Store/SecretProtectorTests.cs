using System.Security.Cryptography;
using Tether.Store;

namespace Tether.Tests.Store;

public sealed class SecretProtectorTests
{
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(SecretProtector.KeySize));

    [Fact]
    public void TryUnprotect_SameContext_ReturnsPlaintext()
    {
        var context = SecretProtector.WorkloadContext("github", SecretKind.RefreshToken);
        var blob = _protector.Protect("rt-123", context);

        Assert.True(_protector.TryUnprotect(blob, context, out var plain));
        Assert.Equal("rt-123", plain);
    }

    [Fact]
    public void Protect_SameValueTwice_UsesFreshNonces()
    {
        var context = SecretProtector.WorkloadContext("github", SecretKind.AccessToken);

        Assert.NotEqual(_protector.Protect("at-1", context), _protector.Protect("at-1", context));
    }

    [Theory]
    [InlineData("other", SecretKind.RefreshToken)]
    [InlineData("github", SecretKind.AccessToken)]
    public void TryUnprotect_OtherRow_Fails(string workload, SecretKind kind)
    {
        var blob = _protector.Protect("rt-123", SecretProtector.WorkloadContext("github", SecretKind.RefreshToken));

        Assert.False(_protector.TryUnprotect(blob, SecretProtector.WorkloadContext(workload, kind), out var plain));
        Assert.Null(plain);
    }

    [Fact]
    public void TryUnprotect_OtherKeyOrTamperedByte_Fails()
    {
        var context = SecretProtector.WorkloadContext("github", SecretKind.AccessToken);
        var blob = _protector.Protect("at-1", context);
        var other = new SecretProtector(RandomNumberGenerator.GetBytes(SecretProtector.KeySize));
        var tampered = (byte[])blob.Clone();
        tampered[^1] ^= 0x01;

        Assert.False(other.TryUnprotect(blob, context, out _));
        Assert.False(_protector.TryUnprotect(tampered, context, out _));
        Assert.False(_protector.TryUnprotect(blob[..10], context, out _));
    }
}
