using BestOfN.Llama;
using Microsoft.ML.Tokenizers;

namespace BestOfN.Verifier.Scoring;

/// <summary>Turns text into the token ids an ONNX reward model takes.</summary>
public interface IScoringTokenizer : IDisposable
{
    /// <summary>What was loaded, for the manifest.</summary>
    string Description { get; }

    int[] Encode(string text);

    /// <summary>Id of a text that must be one token (a step tag), or an explanation of why it is not.</summary>
    int SingleToken(string text);

    /// <summary>Loads a tokenizer by its file: a GGUF (vocabulary only, through llama.cpp), a SentencePiece .model, or a WordPiece vocab.txt.</summary>
    public static IScoringTokenizer Open(string path, bool addSpecialTokens)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file not found: {path}", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".gguf" => new GgufScoringTokenizer(path, addSpecialTokens),
            ".model" => new MlScoringTokenizer(LoadSentencePiece(path, addSpecialTokens), path),
            ".txt" => new MlScoringTokenizer(WordPieceTokenizer.Create(path), path),
            _ => throw new ArgumentException($"Unknown tokenizer file '{Path.GetFileName(path)}': expected a .gguf, a SentencePiece .model or a WordPiece vocab.txt."),
        };
    }

    private static Tokenizer LoadSentencePiece(string path, bool addSpecial)
    {
        using var stream = File.OpenRead(path);
        return LlamaTokenizer.Create(stream, addBeginOfSentence: addSpecial, addEndOfSentence: false);
    }
}

/// <summary>A GGUF's vocabulary, loaded alone (no weights) through llama.cpp.</summary>
public sealed class GgufScoringTokenizer(string path, bool addSpecialTokens) : IScoringTokenizer
{
    private readonly LlamaModel _vocab = LlamaModel.Load(path, new LlamaModelOptions { VocabOnly = true });

    public string Description => $"gguf vocabulary {Path.GetFileName(path)} ({_vocab.VocabSize} tokens)";

    public int[] Encode(string text) => _vocab.Tokenize(text, addSpecialTokens, parseSpecial: false).Select(t => t.Id).ToArray();

    public int SingleToken(string text)
    {
        var t = _vocab.Tokenize(text, addSpecial: false, parseSpecial: false);
        return t.Length == 1 ? t[0].Id : throw new ScoringProtocolException($"'{text}' is {t.Length} tokens in {Path.GetFileName(path)}'s vocabulary; the protocol needs one.");
    }

    public void Dispose() => _vocab.Dispose();
}

/// <summary>A Microsoft.ML.Tokenizers tokenizer (SentencePiece or WordPiece).</summary>
public sealed class MlScoringTokenizer(Tokenizer tokenizer, string path) : IScoringTokenizer
{
    public string Description => $"{tokenizer.GetType().Name} {Path.GetFileName(path)}";

    public int[] Encode(string text) => tokenizer.EncodeToIds(text).ToArray();

    public int SingleToken(string text)
    {
        var ids = tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true)
            .Where(id => tokenizer is not SentencePieceTokenizer sp || (id != sp.BeginningOfSentenceId && id != sp.EndOfSentenceId)).ToArray();
        return ids.Length == 1 ? ids[0] : throw new ScoringProtocolException($"'{text}' is {ids.Length} tokens for {Path.GetFileName(path)}; the protocol needs one.");
    }

    public void Dispose() { }
}
