using Slipway.Build.Engine;

namespace Slipway.Build.Tests.Engine;

public class CacheExplainerTests
{
    private static List<KeyValuePair<string, string>> V(params (string Name, string Value)[] values) =>
        [.. values.Select(v => KeyValuePair.Create(v.Name, v.Value))];

    private static Dictionary<string, string> F(params (string Path, string Fingerprint)[] files) =>
        files.ToDictionary(f => f.Path, f => f.Fingerprint, StringComparer.Ordinal);

    private static readonly string Content1 = new('1', 64);
    private static readonly string Content2 = new('2', 64);

    private static string Explain(List<KeyValuePair<string, string>> before, Dictionary<string, string>? beforeFiles,
        List<KeyValuePair<string, string>> now, Dictionary<string, string> nowFiles, Func<string, bool>? ignored = null) =>
        new Solver.MissReason.InputsChanged(CacheExplainer.Changes(before, beforeFiles, now, nowFiles, ignored)).Text;

    [Fact]
    public void Identical_inputs_have_no_changes() =>
        Assert.Empty(CacheExplainer.Changes(V(("instruction", "RUN x")), F(("a", $"f 644 0:0 {Content1}")), V(("instruction", "RUN x")),
            F(("a", $"f 644 0:0 {Content1}"))));

    [Fact]
    public void A_changed_arg_is_named_with_its_old_and_new_value_and_the_expanded_text_is_not_repeated() =>
        Assert.Equal("ARG NAME changed: \"a\" → \"b\"",
            Explain(V(("expanded", "COPY a.txt /x"), ("arg:NAME", "a")), F(), V(("expanded", "COPY b.txt /x"), ("arg:NAME", "b")), F()));

    [Fact]
    public void An_arg_that_appears_or_goes_away_says_so() =>
        Assert.Equal("ARG A set: \"1\"; ARG B no longer set (was \"2\")", Explain(V(("arg:B", "2")), F(), V(("arg:A", "1")), F()));

    [Fact]
    public void A_flag_change_is_reported_instead_of_the_text_it_changed() =>
        Assert.Equal("flag --chmod changed: \"644\" → \"755\"",
            Explain(V(("instruction", "COPY --chmod=644 a /"), ("flag:--chmod", "644")), F(),
                V(("instruction", "COPY --chmod=755 a /"), ("flag:--chmod", "755")), F()));

    [Fact]
    public void An_edited_instruction_shows_both_texts() =>
        Assert.Equal("instruction changed: \"HEALTHCHECK CMD true\" → \"HEALTHCHECK --interval=5s CMD true\"",
            Explain(V(("instruction", "HEALTHCHECK CMD true"), ("expanded", "HEALTHCHECK CMD true")), F(),
                V(("instruction", "HEALTHCHECK --interval=5s CMD true"), ("expanded", "HEALTHCHECK --interval=5s CMD true")), F()));

    [Fact]
    public void A_new_base_digest_is_shown_short() =>
        Assert.Equal("base image changed: sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb",
            Explain(V(("base", "sha256:" + new string('a', 64))), F(), V(("base", "sha256:" + new string('b', 64))), F()));

    [Theory]
    [InlineData("f 644 0:0 C1", "f 644 0:0 C2", "file a.txt changed content")]
    [InlineData("f 644 0:0 C1", "f 755 0:0 C1", "file a.txt mode 644 → 755")]
    [InlineData("f 644 0:0 C1", "f 644 1000:1000 C1", "file a.txt owner 0:0 → 1000:1000")]
    [InlineData("f 644 0:0 C1", "f 600 1:2 C2", "file a.txt changed content, mode 644 → 600, owner 0:0 → 1:2")]
    [InlineData("l 777 0:0 x", "l 777 0:0 y", "symlink a.txt target changed: x → y")]
    [InlineData("f 644 0:0 C1", "l 777 0:0 y", "file a.txt changed type (file → symlink)")]
    public void A_file_change_says_what_changed_about_the_file(string before, string after, string expected) =>
        Assert.Equal(expected, Explain(V(), F(("a.txt", Full(before))), V(), F(("a.txt", Full(after)))));

    private static string Full(string fingerprint) => fingerprint.Replace("C1", Content1, StringComparison.Ordinal).Replace("C2", Content2, StringComparison.Ordinal);

    [Fact]
    public void A_full_content_digest_matches_the_short_one_the_history_keeps() =>
        Assert.Empty(CacheExplainer.Changes(V(), F(("a", FileFingerprint.Shorten($"f 644 0:0 {Content1}"))), V(), F(("a", $"f 644 0:0 {Content1}"))));

    [Fact]
    public void Many_changed_files_are_counted_and_only_the_first_few_named()
    {
        var before = F([.. Enumerable.Range(0, 15).Select(i => ($"f{i:00}", $"f 644 0:0 {Content1}"))]);
        var after = F([.. Enumerable.Range(0, 15).Select(i => ($"f{i:00}", $"f 644 0:0 {Content2}"))]);
        Assert.Equal("15 files changed: f00 (changed content), f01 (changed content), f02 (changed content) (+12 more)", Explain(V(), before, V(), after));
    }

    [Fact]
    public void Added_and_removed_files_are_named_and_a_removal_by_dockerignore_says_so() =>
        Assert.Equal("3 files changed: gone (removed), ignored (removed: excluded by .dockerignore), new (added)",
            Explain(V(), F(("gone", "f 644 0:0 x"), ("ignored", "f 644 0:0 y")), V(), F(("new", "f 644 0:0 z")), p => p == "ignored"));

    [Fact]
    public void A_file_from_another_stage_is_named_with_its_stage()
    {
        var text = Explain(V(("flag:--from", "builder")), F(("/out/app", Full("f 755 0:0 C1"))), V(("flag:--from", "builder")), F(("/out/app", Full("f 755 0:0 C2"))));
        Assert.Equal("file /out/app from stage builder changed content", text);
        Assert.True(CacheExplainer.IsStageChange(text));
    }

    [Fact]
    public void Several_files_from_another_stage_are_counted_under_its_name()
    {
        var text = Explain(V(("flag:--from", "builder")), F(("/a", "f 644 0:0 x"), ("/b", "l 777 0:0 t")),
            V(("flag:--from", "builder")), F(("/a", "f 644 0:0 y"), ("/b", "l 777 0:0 u")));
        Assert.Equal("2 files from stage builder changed: /a (changed content), /b (symlink target changed: t → u)", text);
        Assert.True(CacheExplainer.IsStageChange(text));
    }

    [Theory]
    [InlineData("file a.txt changed content")]
    [InlineData("3 files changed: a (added), b (added), c (added)")]
    [InlineData("ARG NAME changed: \"a\" → \"b\"")]
    public void A_change_of_the_steps_own_inputs_is_not_taken_for_a_stages(string change) =>
        Assert.False(CacheExplainer.IsStageChange(change));

    [Fact]
    public void A_lost_file_list_is_said_to_be_lost_rather_than_guessed() =>
        Assert.Equal("context files changed (their previous list was not kept)", Explain(V(), null, V(), F(("a", "f 644 0:0 x"))));

    [Fact]
    public void A_long_value_is_cut_and_kept_on_one_line()
    {
        var text = Explain(V(("env:X", "short")), F(), V(("env:X", new string('v', 100) + "\nmore")), F());
        Assert.DoesNotContain('\n', text);
        Assert.EndsWith("…\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("f 644 0:0 abc", 'f', 0x1A4u, 0u, 0u, "abc")]
    [InlineData("l 777 1000:1001 ../a b", 'l', 0x1FFu, 1000u, 1001u, "../a b")]
    [InlineData("d 755 0:0 ", 'd', 0x1EDu, 0u, 0u, "")]
    public void A_fingerprint_reads_back_what_it_wrote(string text, char type, uint mode, uint uid, uint gid, string detail)
    {
        var parsed = FileFingerprint.Parse(text);
        Assert.Equal(new FileFingerprint(type, mode, uid, gid, detail), parsed);
        Assert.Equal(text, parsed!.Value.ToString());
    }
}
