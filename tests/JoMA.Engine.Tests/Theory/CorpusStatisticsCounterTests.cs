using JoMA.Engine.Tests.Text;
using JoMA.Engine.Text;
using JoMA.Engine.Theory;

namespace JoMA.Engine.Tests.Theory;

/// <summary>The counting pass against values worked out by hand, and against the planted corpus's drives known by construction.</summary>
public class CorpusStatisticsCounterTests
{
    // Four windows of bptt 4 in one column: context (2 tokens), query m, next token.
    // Contexts {a,b}→n, {a,c}→o, {b,c}→n, {a,a}→o; so P(n|m) = P(o|m) = ½.
    static readonly string[] Lines = { "a b m n", "a c m o", "b c m n", "a a m o" };

    static CorpusStatisticsResult CountHandMade(DriveKind kind = DriveKind.L2, bool biasCorrection = false, int contexts = 3)
    {
        var vocabulary = Vocabulary.Build(Lines);
        var tokens = vocabulary.Encode(Lines);
        return CorpusStatisticsCounter.Count(tokens, vocabulary, new CorpusStatisticsOptions
        {
            Bptt = 4, BatchSize = 1, Queries = new[] { "m" }, Contexts = contexts, SelectBy = ContextSelection.Drive, MinCount = 1,
            Drive = kind, BiasCorrection = biasCorrection, BootstrapResamples = 0,
        });
    }

    static CorpusTokenStatistic Row(CorpusStatisticsResult result, string token) => result.Rows.Single(r => r.Token == token);

    [Fact]
    public void Counts_co_occurrence_mean_count_unigram_and_pmi_as_worked_out_by_hand()
    {
        var result = CountHandMade();
        var a = Row(result, "a");
        Assert.Equal(4, a.QueryCount);
        Assert.Equal(3, a.Count);
        Assert.Equal(0.75, a.CoOccurrence, 12);
        Assert.Equal(1.0, a.MeanCount, 12);                 // (1 + 1 + 0 + 2) / 4
        Assert.Equal(4.0 / 15, a.Unigram, 12);              // 15 positions have a next token
        Assert.Equal(Math.Log(0.75 / (4.0 / 15)), a.Pmi, 12);
        Assert.Equal(0.5, Row(result, "b").MeanCount, 12);
        Assert.Equal(2, Row(result, "c").Count);
    }

    [Fact]
    public void Plain_l2_drive_is_co_occurrence_times_the_shift_of_the_next_token_distribution()
    {
        var result = CountHandMade();
        Assert.Equal(0.75 * Math.Sqrt(1.0 / 18), Row(result, "a").Drive, 12); // P(·|a,m) = (1/3, 2/3)
        Assert.Equal(0.5 * Math.Sqrt(0.5), Row(result, "b").Drive, 12);       // P(·|b,m) = (1, 0)
        Assert.Equal(0, Row(result, "c").Drive, 12);                          // P(·|c,m) = P(·|m): a common token
    }

    [Fact]
    public void Bias_correction_removes_what_sampling_noise_alone_explains()
    {
        var result = CountHandMade(biasCorrection: true);
        Assert.Equal(0, Row(result, "a").Drive, 12);                    // 1/18 − (1 − 5/9)/3 < 0
        Assert.Equal(0.5 * Math.Sqrt(0.5), Row(result, "b").Drive, 12); // a one-hot next distribution has no noise term
        Assert.Equal(0, Row(result, "c").Drive, 12);
    }

    [Theory]
    [InlineData(DriveKind.ChiSquare, 0.5)]                     // ½ · √(¼/½ + ¼/½)
    [InlineData(DriveKind.TV, 0.25)]                           // ½ · ½(½ + ½)
    [InlineData(DriveKind.KL, 0.29435250562886867)]            // ½ · √(ln 2 / 2)
    public void Other_drive_kinds_match_their_formulas(DriveKind kind, double expected) =>
        Assert.Equal(expected, Row(CountHandMade(kind), "b").Drive, 12);

    [Fact]
    public void The_pooled_rest_covers_the_unlisted_context()
    {
        var result = CountHandMade(contexts: 1);
        var listed = Assert.Single(result.Rows, r => !CorpusStatisticsCounter.IsPooled(r.Token));
        Assert.Equal("b", listed.Token);                           // the largest drive
        var rest = Assert.Single(result.Rows, r => CorpusStatisticsCounter.IsPooled(r.Token));
        Assert.Equal(2.0 - 0.5, rest.MeanCount, 12);               // mean context length 2, less x̄_b
        Assert.Equal(4, rest.Count);                               // every context holds a or c
        Assert.Equal((1.0 * 0.75 * Math.Sqrt(1.0 / 18) + 0.5 * 0) / 1.5, rest.Drive, 12); // x̄-weighted drives of a and c
    }

    [Fact]
    public void Unknown_queries_are_skipped_with_a_reason_and_all_unknown_is_an_error()
    {
        var vocabulary = Vocabulary.Build(Lines);
        var tokens = vocabulary.Encode(Lines);
        var options = new CorpusStatisticsOptions { Bptt = 4, BatchSize = 1, Queries = new[] { "m", "zebra" }, MinCount = 1, BootstrapResamples = 0 };
        var result = CorpusStatisticsCounter.Count(tokens, vocabulary, options);
        Assert.Contains(result.Skipped, s => s.Query == "zebra");
        var e = Assert.Throws<JomaException>(() => CorpusStatisticsCounter.Count(tokens, vocabulary, options with { Queries = new[] { "zebra" } }));
        Assert.Equal("QueryNotInVocabulary", e.ErrorId);
        var rare = Assert.Throws<JomaException>(() => CorpusStatisticsCounter.Count(tokens, vocabulary, options with { MinCount = 50 }));
        Assert.Equal("NoQueryCounted", rare.ErrorId);
    }

    [Fact]
    public void Planted_corpus_drives_are_recovered_within_five_percent_and_common_tokens_stay_near_zero()
    {
        using var folder = new TemporaryFolder();
        var planted = PlantedCorpusWriter.Write(folder.Path, trainSequences: 20_000, validationSequences: 10, seed: 7);
        var corpus = WikitextCorpus.FromFolder(planted.Path);
        var vocabulary = corpus.BuildVocabulary();
        var result = CorpusStatisticsCounter.Count(corpus.Encode(vocabulary, corpus.TrainPath), vocabulary, new CorpusStatisticsOptions
        {
            Queries = Enumerable.Range(0, 4).Select(PlantedCorpusWriter.QueryToken).ToArray(), Contexts = 64, SelectBy = ContextSelection.Drive,
            BootstrapResamples = 50,
        });
        var measured = result.Rows.Where(r => !CorpusStatisticsCounter.IsPooled(r.Token)).ToDictionary(r => (r.Query, r.Token));
        foreach (var truth in planted.Tokens)
        {
            Assert.True(measured.TryGetValue((truth.Query, truth.Token), out var row), $"{truth.Query}/{truth.Token} was not listed");
            if (truth.Kind == "Distinct")
            {
                // each token within 5 % of the largest drive (0.195); a p = 0.3 token has ~375 co-occurrences, so ±5 % of its own value is ~1σ
                Assert.InRange(row!.Drive, truth.ExactDrive - 0.05 * 0.195, truth.ExactDrive + 0.05 * 0.195);
                Assert.InRange(truth.ExactDrive, row.DriveLow * 0.9, row.DriveHigh * 1.1);
            }
            else Assert.True(row!.Drive < 0.01, $"{truth.Kind} token {truth.Token} of {truth.Query}: drive {row.Drive}");
        }
        // the mean over the 16 tokens of each presence level within 5 % of its exact value
        foreach (var level in planted.Tokens.Where(t => t.Kind == "Distinct").GroupBy(t => t.Presence))
        {
            double mean = level.Average(t => measured[(t.Query, t.Token)].Drive), exact = level.First().ExactDrive;
            Assert.InRange(mean, exact * 0.95, exact * 1.05);
        }
        // fillers have drive 0 too; listed by drive, these are the noisiest of 40, so the bound is looser (a tenth of the largest drive)
        Assert.All(result.Rows.Where(r => r.Token.StartsWith('f')), r => Assert.True(r.Drive < 0.02, $"filler {r.Token}: {r.Drive}"));
    }
}
