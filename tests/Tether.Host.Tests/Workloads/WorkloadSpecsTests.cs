using Tether.Api;
using Tether.Workloads;

namespace Tether.Tests.Workloads;

public sealed class WorkloadSpecsTests
{
    private static RunWorkloadRequest Run => new() { Url = "https://mcp.example.com/mcp" };

    [Theory]
    [InlineData("--client-metadata-url", "http://clients.example.com/tether.json")]
    [InlineData("--issuer", "http://auth.example.com")]
    [InlineData("--authorize-url", "http://auth.example.com/authorize")]
    public void ToRecord_PlainHttpAuthorizationUrlOffLoopback_RefusedNamingTheOption(string option, string url)
    {
        var request = option switch
        {
            "--client-metadata-url" => Run with { ClientMetadataUrl = url },
            "--issuer" => Run with { Issuer = url },
            _ => Run with { AuthorizeUrl = url, TokenUrl = "https://auth.example.com/token" },
        };

        var ex = Assert.Throws<WorkloadException>(() => WorkloadSpecs.ToRecord("w", request, 0));

        Assert.Equal($"{option} must be an https URL (http only on 127.0.0.1 / localhost)", ex.Message);
    }

    [Fact]
    public void ToRecord_LoopbackHttpAndHttps_Accepted()
    {
        var record = WorkloadSpecs.ToRecord("w", Run with { ClientMetadataUrl = "http://127.0.0.1:8080/client.json", Issuer = "https://auth.example.com" }, 0);

        Assert.Equal("http://127.0.0.1:8080/client.json", record.Config.ClientMetadataUrl);
        Assert.True(record.Config.IssuerGiven);
    }

    [Fact]
    public void ToRecord_AuthorizeUrlWithoutTokenUrl_Refused()
    {
        var ex = Assert.Throws<WorkloadException>(() => WorkloadSpecs.ToRecord("w", Run with { AuthorizeUrl = "https://auth.example.com/authorize" }, 0));

        Assert.Contains("go together", ex.Message, StringComparison.Ordinal);
    }
}
