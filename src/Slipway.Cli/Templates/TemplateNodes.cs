namespace Slipway.Cli.Templates;

/// <summary>A node of a parsed template, as Go's text/template/parse has them. <see cref="Pos"/> is the offset in
/// the template text (Go's error locations count from it); <see cref="Text"/> is the node as written, which Go's
/// execution errors quote in <c>at &lt;…&gt;</c>.</summary>
internal abstract record TemplateNode(int Pos, string Text);

internal sealed record ListNode(int Pos, IReadOnlyList<TemplateNode> Nodes) : TemplateNode(Pos, "");

internal sealed record TextNode(int Pos, string Value) : TemplateNode(Pos, Value);

internal sealed record ActionNode(int Pos, string Text, PipeNode Pipe) : TemplateNode(Pos, Text);

/// <summary><c>if</c>, <c>with</c> or <c>range</c> with its body and the <c>else</c> part (<c>else if</c> and
/// <c>else with</c> are an else part holding one more of these).</summary>
internal sealed record BranchNode(int Pos, string Text, BranchKind Kind, PipeNode Pipe, ListNode List, ListNode? Else)
    : TemplateNode(Pos, Text);

internal enum BranchKind
{
    If,
    With,
    Range,
}

internal sealed record BreakNode(int Pos, string Text) : TemplateNode(Pos, Text);

internal sealed record ContinueNode(int Pos, string Text) : TemplateNode(Pos, Text);

/// <summary>A pipeline: <c>$x := cmd | cmd</c>, or <c>$x = …</c> when <see cref="IsAssign"/>.</summary>
internal sealed record PipeNode(int Pos, string Text, IReadOnlyList<string> Decl, bool IsAssign, IReadOnlyList<CommandNode> Cmds)
    : TemplateNode(Pos, Text);

internal sealed record CommandNode(int Pos, string Text, IReadOnlyList<TemplateNode> Args) : TemplateNode(Pos, Text);

/// <summary><c>.A.B</c>.</summary>
internal sealed record FieldNode(int Pos, string Text, IReadOnlyList<string> Ident) : TemplateNode(Pos, Text);

/// <summary><c>$</c>, <c>$x</c>, <c>$x.A.B</c>: the variable's name first.</summary>
internal sealed record VariableNode(int Pos, string Text, IReadOnlyList<string> Ident) : TemplateNode(Pos, Text);

/// <summary><c>(pipeline).A.B</c>.</summary>
internal sealed record ChainNode(int Pos, string Text, TemplateNode Node, IReadOnlyList<string> Field) : TemplateNode(Pos, Text);

/// <summary>A function name.</summary>
internal sealed record IdentifierNode(int Pos, string Text) : TemplateNode(Pos, Text);

internal sealed record DotNode(int Pos) : TemplateNode(Pos, ".");

internal sealed record NilNode(int Pos) : TemplateNode(Pos, "nil");

internal sealed record BoolNode(int Pos, bool Value) : TemplateNode(Pos, Value ? "true" : "false");

internal sealed record StringNode(int Pos, string Text, string Value) : TemplateNode(Pos, Text);

/// <summary>A number constant: an int when it has one (<c>3</c>, <c>0x1F</c>, <c>'a'</c>), else a float.</summary>
internal sealed record NumberNode(int Pos, string Text, long? Int, double Float) : TemplateNode(Pos, Text);
