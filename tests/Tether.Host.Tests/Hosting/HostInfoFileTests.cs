using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.Tests.Hosting;

public sealed class HostInfoFileTests : IDisposable
{
    private readonly TetherPaths _paths = new(Directory.CreateTempSubdirectory("tether-hostinfo-").FullName);

    public void Dispose() => Directory.Delete(_paths.Home, recursive: true);

    [Fact]
    public void TryRead_WhatWriteWrote_TheSameInfo()
    {
        var info = new HostInfo("http://127.0.0.1:40000/", 4242, "a+b/c=", "0.1.0");

        HostInfoFile.Write(_paths, info);

        Assert.Equal(info, HostInfoFile.TryRead(_paths));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"url\":\"http://127.0.0.1:1/\"")]
    [InlineData("{\"url\":\"http://127.0.0.1:1/\",\"pid\":\"x\",\"api_key\":\"k\",\"version\":\"1\"}")]
    public void TryRead_NoFileOrUnreadable_Null(string? content)
    {
        if (content is not null)
        {
            File.WriteAllText(_paths.HostAddressPath, content);
        }

        Assert.Null(HostInfoFile.TryRead(_paths));
    }
}
