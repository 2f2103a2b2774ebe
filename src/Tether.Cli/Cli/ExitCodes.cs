namespace Tether.Cli;

/// <summary>The exit codes of the command line contract.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
}
