using Microsoft.Extensions.Time.Testing;
using Tether.Configuration;
using Tether.Store;

namespace Tether.Tests.Store;

/// <summary>A fresh TETHER_HOME in the temp folder, deleted with everything in it afterwards.</summary>
internal sealed class StoreTestHome : IDisposable
{
    private readonly List<TetherStore> _stores = [];

    public StoreTestHome()
    {
        Paths = new TetherPaths(Path.Combine(Path.GetTempPath(), "tether-store-tests", Guid.NewGuid().ToString("N")));
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    }

    public TetherPaths Paths { get; }

    public FakeTimeProvider Time { get; }

    public async Task<TetherStore> OpenAsync(TimeProvider? timeProvider = null)
    {
        var store = await TetherStore.OpenAsync(
            Paths, new FileKeySource(Paths.KeysDirectory), timeProvider ?? Time, null, TestContext.Current.CancellationToken);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>Every byte of every file under the home (database, WAL, shared memory, keys, locks).</summary>
    public IEnumerable<(string Path, byte[] Bytes)> ReadAllFiles()
    {
        foreach (var file in Directory.EnumerateFiles(Paths.Home, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            catch (FileNotFoundException)
            {
                // SQLite deletes the WAL and shared-memory files when the last connection closes.
                continue;
            }

            yield return (file, bytes);
        }
    }

    public void AssertNowhereOnDisk(byte[] needle)
    {
        foreach (var (path, bytes) in ReadAllFiles())
        {
            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"found in {path}");
        }
    }

    public bool AnywhereOnDisk(byte[] needle) => ReadAllFiles().Any(f => f.Bytes.AsSpan().IndexOf(needle) >= 0);

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        if (Directory.Exists(Paths.Home))
        {
            Directory.Delete(Paths.Home, recursive: true);
        }
    }
}
