using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

public class StepSplitterTests
{
    [Fact]
    public void Ki_split_strips_steps_keeps_empty_ones_and_the_final_tag_as_rlhflow_does()
    {
        const string answer = "Step 1: a ки\n\nStep 2: b ки\n ки\nStep 3: c ки";
        Assert.Equal(["Step 1: a", "Step 2: b", "", "Step 3: c ки"], StepSplitter.Split(answer, StepSplit.Ki));
        Assert.Equal(["Step 1: a", "Step 2: b", "Step 3: c ки"], StepSplitter.Split(answer, StepSplit.Ki, EmptySteps.Drop));
        Assert.Equal(["a", "b", ""], StepSplitter.Split("a ки\nb ки\n", StepSplit.Ki));
    }

    [Fact]
    public void Blank_line_split_is_the_deepseek_style()
    {
        Assert.Equal(["a\nb", "c", "", "d", ""], StepSplitter.Split("  a\nb\n\nc\n\n\n\nd\n\n", StepSplit.BlankLine));
        Assert.Equal(["a\nb", "c", "d"], StepSplitter.Split("  a\nb\n\nc\n\n\n\nd\n\n", StepSplit.BlankLine, EmptySteps.Drop));
        Assert.Equal(["", "a", "b"], StepSplitter.Split("\n\na\n\nb", StepSplit.BlankLine));
    }

    [Fact]
    public void Auto_uses_the_ki_tag_when_present_and_blank_lines_otherwise()
    {
        Assert.Equal(StepSplit.Ki, StepSplitter.Resolve(StepSplit.Auto, "x ки\ny ки"));
        Assert.Equal(StepSplit.BlankLine, StepSplitter.Resolve(StepSplit.Auto, "x\n\ny"));
        Assert.Equal(StepSplit.BlankLine, StepSplitter.Resolve(StepSplit.BlankLine, "x ки\ny"));
    }

    [Fact]
    public void Outcome_text_drops_ki_tags_from_mistral_style_answers_only()
    {
        Assert.Equal("a\nb", StepSplitter.ForOutcome("a ки\nb ки", StepSplit.Auto));
        Assert.Equal("a\n\nb", StepSplitter.ForOutcome("a\n\nb", StepSplit.Auto));
    }

    [Fact]
    public void Untagged_answers_get_math_shepherd_tags_the_search_and_learn_way()
    {
        Assert.Equal("a ки\n\nb ки", StepSplitter.WithStepTags("a\n\nb", StepSplit.Auto));
        Assert.Equal("a ки\n\nb ки\n\n", StepSplitter.WithStepTags("a\n\nb\n\n", StepSplit.BlankLine));
        Assert.Equal("a ки\nb ки", StepSplitter.WithStepTags("a ки\nb ки", StepSplit.Auto));
        Assert.Equal("a\n\nb", StepSplitter.WithStepTags("a\n\nb", StepSplit.Ki));
        Assert.Equal(" \n\n ", StepSplitter.WithStepTags(" \n\n ", StepSplit.Auto));
    }

    [Fact]
    public void An_empty_answer_is_one_empty_step_unless_empty_steps_are_dropped()
    {
        Assert.Equal([""], StepSplitter.Split("", StepSplit.Auto));
        Assert.Equal(["", ""], StepSplitter.Split(" \n\n \n", StepSplit.Auto));
        Assert.Empty(StepSplitter.Split(" \n\n \n", StepSplit.Auto, EmptySteps.Drop));
    }
}
