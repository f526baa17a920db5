using System.Text.RegularExpressions;
using Slipway.Insight;
using static Slipway.Insight.Tests.SyntheticImage;

namespace Slipway.Insight.Tests;

public sealed partial class SizeHtmlTests
{
    [Fact]
    public async Task The_report_is_one_file_that_loads_nothing_from_elsewhere()
    {
        var report = await new SyntheticImage().Layer(File("bin/app", 100)).AnalyzeAsync();

        var html = SizeHtml.Render(report);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Contains("class=\"treemap\"", html, StringComparison.Ordinal);
        Assert.Contains("<script type=\"application/json\" id=\"tree-0\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_name_cannot_close_the_embedded_data_or_inject_markup()
    {
        var report = await new SyntheticImage()
            .Layer(File("</script><img src=x onerror=alert(1)>", 100))
            .Layer(Whiteout("</script><img src=x onerror=alert(1)>"))
            .Layer(File("x", 1))
            .AnalyzeAsync();

        var html = SizeHtml.Render(report);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Equal(Regex.Count(html, "<script"), Regex.Count(html, "</script>"));
    }

    [Fact]
    public async Task A_comparison_draws_a_treemap_per_image_and_the_saving()
    {
        var big = await new SyntheticImage().Layer(File("toolchain", 9000), File("app", 1000)).AnalyzeAsync();
        var small = await new SyntheticImage().Layer(File("app", 1000)).AnalyzeAsync();

        var html = SizeHtml.Render(new SizeComparison(big, small));

        Assert.Contains("data-tree=\"tree-0\"", html, StringComparison.Ordinal);
        Assert.Contains("data-tree=\"tree-1\"", html, StringComparison.Ordinal);
        Assert.Contains("<th>saving</th>", html, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
