namespace BestOfN.Store;

/// <summary>Imported sample sets: each problem is written with its samples and scores in one transaction.</summary>
public sealed partial class RunStore
{
    /// <summary>
    /// Writes an imported run problem by problem, one transaction each. The run is created in the first problem's transaction and the
    /// scorer in that of the first problem with scores, so a killed import never leaves a run without problems or a scorer without
    /// scores; rerunning it keeps what is stored and adds the rest.
    /// </summary>
    /// <param name="scorer">The scorer the shipped scores are stored under; null when no problem ships scores.</param>
    public ImportWriteResult SaveImport(RunInfo run, ScorerInfo? scorer, IReadOnlyList<ImportedProblemRows> problems)
    {
        if (problems.Count == 0) throw new ArgumentException("An import needs at least one problem: a run without problems is never stored.", nameof(problems));
        if (scorer is null && problems.Any(p => p.Scores.Count > 0)) throw new ArgumentException("Problems ship scores but no scorer was given to store them under.", nameof(scorer));
        var stored = run;
        bool runStored = false, scorerStored = false;
        int samples = 0, scores = 0;
        var now = DateTimeOffset.UtcNow.ToString("O");
        // Outside the problems' transactions: a rolled-back one must not take the tables with it.
        if (scorer is not null) EnsureScoreTables();
        foreach (var p in problems)
        {
            InTransaction(() =>
            {
                if (!runStored) stored = EnsureRun(run);
                runStored = true;
                InsertProblem(p.Problem);
                samples += p.Samples.Sum(s => InsertSample(s, now));
                if (p.Scores.Count == 0) return 0;
                if (!scorerStored) EnsureScorer(scorer!);
                scorerStored = true;
                scores += p.Scores.Sum(s => InsertScore(run.RunId, scorer!.ScorerId, s, now));
                return 0;
            });
        }
        return new ImportWriteResult(stored, samples, scores);
    }
}
