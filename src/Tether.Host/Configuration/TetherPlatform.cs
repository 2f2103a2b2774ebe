namespace Tether.Configuration;

/// <summary>The platform families whose state folders differ.</summary>
internal enum TetherPlatform
{
    /// <summary>Linux and other Unix systems: XDG state folder.</summary>
    Unix,

    /// <summary>macOS: Application Support.</summary>
    MacOS,

    /// <summary>Windows: LocalApplicationData.</summary>
    Windows,
}
