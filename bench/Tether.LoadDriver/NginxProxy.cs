using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tether.LoadDriver;

/// <summary>
/// The reference proxy: Debian's nginx-light (bench/scripts/install-nginx.sh) in front of the MCP server, injecting the
/// same bearer, with upstream keep-alive and no response buffering, run by the driver with a configuration it writes.
/// </summary>
internal sealed class NginxProxy : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;

    private NginxProxy(Process process, DirectoryInfo dir, Uri url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    public static async Task<NginxProxy> StartAsync(Uri upstream, string bearer, CancellationToken cancellationToken)
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed: run bench/scripts/install-nginx.sh");
        var dir = Directory.CreateTempSubdirectory("tether-bench-nginx-");
        var port = Tether.Hosting.LoopbackPorts.Free();
        var config = string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            worker_processes auto;
            pid {{dir.FullName}}/nginx.pid;
            error_log {{dir.FullName}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{dir.FullName}}/body;
                proxy_temp_path {{dir.FullName}}/proxy;
                upstream mcp {
                    server {{upstream.Authority}};
                    keepalive 128;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://mcp;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Authorization "Bearer {{bearer}}";
                        proxy_buffering off;
                    }
                }
            }
            """);
        var file = Path.Combine(dir.FullName, "nginx.conf");
        await File.WriteAllTextAsync(file, config, cancellationToken);
        var start = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "-p", dir.FullName, "-c", file, "-e", Path.Combine(dir.FullName, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nginx");
        var proxy = new NginxProxy(process, dir, new Uri($"http://127.0.0.1:{port}{upstream.PathAndQuery}"));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return proxy;
            }
            catch (SocketException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync(cancellationToken) : "";
                proxy.Dispose();
                throw new InvalidOperationException("nginx did not start listening: " + error);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _dir.Delete(recursive: true);
    }
}
