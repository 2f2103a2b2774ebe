namespace Tether.Cli;

/// <summary>The operating systems whose client config locations differ.</summary>
internal enum ClientPlatform
{
    Linux,
    MacOS,
    Windows,
}
