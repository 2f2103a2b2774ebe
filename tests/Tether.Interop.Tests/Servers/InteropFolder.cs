namespace Tether.Interop.Servers;

/// <summary>Finds <c>tests/interop</c> (the Node servers and their npm packages) from the test's build output.</summary>
public static class InteropFolder
{
    private static readonly string[] RequiredPackages = ["oidc-provider", "@modelcontextprotocol/sdk", "express", "jose", "zod"];

    /// <summary>The folder, with its npm packages installed; a clear error saying how to install them otherwise.</summary>
    public static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(folder, "package-lock.json")))
            {
                var missing = RequiredPackages.Where(p => !File.Exists(Path.Combine(folder, "node_modules", p, "package.json"))).ToList();
                if (missing.Count > 0)
                {
                    throw new InvalidOperationException(
                        $"the interop servers' npm packages are not installed ({string.Join(", ", missing)} missing): run 'npm ci' in {folder} (.ci/run does)");
                }

                return folder;
            }
        }

        throw new InvalidOperationException($"tests/interop was not found above {AppContext.BaseDirectory}");
    }
}
