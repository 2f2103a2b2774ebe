using System.Net;
using System.Net.Sockets;
using System.Text;
using Tether.Api;
using Tether.Cli;

namespace Tether.Tests.Fast;

public sealed class LoopbackHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LoopbackAnswer? Parse(string answer) => LoopbackHttp.Parse(Encoding.ASCII.GetBytes(answer));

    [Fact]
    public void Parse_ContentLength_BodyOfThatLength()
    {
        var answer = Parse("HTTP/1.1 200 OK\r\nContent-Type: Application/JSON; charset=utf-8\r\nContent-Length: 2\r\n\r\n[]");

        Assert.Equal(200, answer?.Status);
        Assert.Equal("application/json", answer!.MediaType);
        Assert.Equal("[]", Encoding.UTF8.GetString(answer!.Body));
    }

    [Fact]
    public void Parse_Chunked_ChunksJoinedExtensionsIgnored()
    {
        var answer = Parse("HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\n{\"a\":\r\nA\r\n\"bcdefgh\"}\r\n0\r\n\r\n");

        Assert.Equal(404, answer?.Status);
        Assert.Equal("chunked", answer!.Headers["Transfer-Encoding"]);
        Assert.Equal("{\"a\":\"bcdefgh\"}", Encoding.UTF8.GetString(answer!.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    public void Parse_AnswerItDoesNotRead_Null(string answer) => Assert.Null(Parse(answer));

    [Fact]
    public async Task Get_LoopbackServer_SendsTheKeyAndHostAndReadsTheChunkedAnswer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeOnceAsync(listener, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n[]\r\n0\r\n\r\n");

        var answer = await Task.Run(() => LoopbackHttp.Get(new HostInfo($"http://127.0.0.1:{port}/", 1, "the-key", "0"), "api/v1/workloads?all=true"), Ct);

        var request = await served;
        Assert.StartsWith("GET /api/v1/workloads?all=true HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer the-key\r\n", request, StringComparison.Ordinal);
        Assert.Contains($"\r\nHost: 127.0.0.1:{port}\r\n", request, StringComparison.Ordinal);
        Assert.Equal(200, answer?.Status);
        Assert.Equal("[]", Encoding.UTF8.GetString(answer!.Body));
    }

    [Fact]
    public void Get_NothingListening_NullSoThatTheFullPathStartsAHost()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.Null(LoopbackHttp.Get(new HostInfo($"http://127.0.0.1:{port}/", 1, "k", "0"), "api/v1/health"));
    }

    [Fact]
    public void Get_HostNotOnLoopback_NullWithoutConnecting() =>
        Assert.Null(LoopbackHttp.Get(new HostInfo("http://192.0.2.1:8080/", 1, "k", "0"), "api/v1/health"));

    private static async Task<string> ServeOnceAsync(TcpListener listener, string answer)
    {
        using var client = await listener.AcceptTcpClientAsync(Ct);
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, Ct);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), Ct);
        return request.ToString();
    }
}
