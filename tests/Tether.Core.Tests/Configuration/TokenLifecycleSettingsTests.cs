using Tether.Configuration;
using Tether.Tokens;

namespace Tether.Tests.Configuration;

public sealed class TokenLifecycleSettingsTests
{
    private static TokenLifecycleOptions Load(Dictionary<string, string> env, Dictionary<string, string?>? file = null) =>
        TokenLifecycleSettings.Load(name => env.TryGetValue(name, out var v) ? v : null, file);

    [Fact]
    public void Load_NothingSet_TheSpecDefaults()
    {
        var options = Load([]);

        Assert.Equal(TimeSpan.FromSeconds(10), options.RefreshInitialRetryInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RefreshMaxRetryInterval);
        Assert.Equal(5, options.RefreshMaxTries);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RefreshMaxElapsedTime);
        Assert.Equal(TimeSpan.FromMinutes(10), options.AuthRetryingTickInterval);
        Assert.Equal(TimeSpan.FromHours(24), options.AuthRetryingMaxElapsed);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ProbeMinInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RequestWait);
        Assert.Equal(0.8, options.RefreshAhead);
    }

    [Fact]
    public void Load_EveryVariableSet_EveryValueTaken()
    {
        var options = Load(new()
        {
            ["TETHER_TOKEN_REFRESH_INITIAL_RETRY_INTERVAL"] = "500ms",
            ["TETHER_TOKEN_REFRESH_MAX_RETRY_INTERVAL"] = "1m",
            ["TETHER_TOKEN_REFRESH_MAX_TRIES"] = "3",
            ["TETHER_TOKEN_REFRESH_MAX_ELAPSED_TIME"] = "1h30m",
            ["TETHER_TOKEN_AUTH_RETRYING_TICK_INTERVAL"] = "2m",
            ["TETHER_TOKEN_AUTH_RETRYING_MAX_ELAPSED"] = "48h",
            ["TETHER_TOKEN_PROBE_MIN_INTERVAL"] = "12s",
            ["TETHER_TOKEN_REQUEST_WAIT"] = "2s",
            ["TETHER_TOKEN_REFRESH_AHEAD"] = "0.5",
        });

        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RefreshInitialRetryInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RefreshMaxRetryInterval);
        Assert.Equal(3, options.RefreshMaxTries);
        Assert.Equal(TimeSpan.FromMinutes(90), options.RefreshMaxElapsedTime);
        Assert.Equal(TimeSpan.FromMinutes(2), options.AuthRetryingTickInterval);
        Assert.Equal(TimeSpan.FromHours(48), options.AuthRetryingMaxElapsed);
        Assert.Equal(TimeSpan.FromSeconds(12), options.ProbeMinInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RequestWait);
        Assert.Equal(0.5, options.RefreshAhead);
    }

    [Fact]
    public void Load_ConfigFileKey_UsedUnlessTheEnvironmentSaysOtherwise()
    {
        var options = Load(
            new() { ["TETHER_TOKEN_REQUEST_WAIT"] = "3s" },
            new() { ["token_request_wait"] = "9s", ["token_probe_min_interval"] = "7s" });

        Assert.Equal(TimeSpan.FromSeconds(3), options.RequestWait);
        Assert.Equal(TimeSpan.FromSeconds(7), options.ProbeMinInterval);
    }

    [Fact]
    public void Load_SeveralBadValues_EveryOneReportedWithItsNameAndForm()
    {
        var ex = Assert.Throws<SettingsException>(() => Load(new()
        {
            ["TETHER_TOKEN_REFRESH_MAX_TRIES"] = "many",
            ["TETHER_TOKEN_REQUEST_WAIT"] = "10 seconds",
            ["TETHER_TOKEN_REFRESH_AHEAD"] = "1.5",
            ["TETHER_TOKEN_PROBE_MIN_INTERVAL"] = "0s",
        }));

        Assert.Equal(4, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("TETHER_TOKEN_REFRESH_MAX_TRIES", StringComparison.Ordinal) && e.Contains("whole number", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("TETHER_TOKEN_REQUEST_WAIT", StringComparison.Ordinal) && e.Contains("1h30m", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("TETHER_TOKEN_REFRESH_AHEAD", StringComparison.Ordinal) && e.Contains("fraction", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("TETHER_TOKEN_PROBE_MIN_INTERVAL", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MaxBelowInitial_ReportedNamingBoth()
    {
        var ex = Assert.Throws<SettingsException>(() => Load(new()
        {
            ["TETHER_TOKEN_REFRESH_INITIAL_RETRY_INTERVAL"] = "5m",
            ["TETHER_TOKEN_REFRESH_MAX_RETRY_INTERVAL"] = "1m",
        }));

        Assert.Contains("TETHER_TOKEN_REFRESH_MAX_RETRY_INTERVAL must be at least TETHER_TOKEN_REFRESH_INITIAL_RETRY_INTERVAL", ex.Errors);
    }

    [Fact]
    public void Load_UnknownTokenKeyInConfigFile_Reported()
    {
        var ex = Assert.Throws<SettingsException>(() => Load([], new() { ["token_refresh_maxtries"] = "3" }));

        Assert.Contains(ex.Errors, e => e.StartsWith("token_refresh_maxtries", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("24h", 86_400_000)]
    [InlineData("1m30s250ms", 90_250)]
    public void DurationParser_TheForms_Parsed(string value, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(value, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1.5s")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("30m1h")]
    [InlineData("1d")]
    [InlineData("99999999999999h")]
    public void DurationParser_Others_Refused(string value) => Assert.False(DurationParser.TryParse(value, out _));

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(86_400_000, "24h")]
    [InlineData(250, "250ms")]
    public void DurationParser_Format_TheSettingForm(long milliseconds, string text) =>
        Assert.Equal(text, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
