using JoMA.Engine.Theory;
using MathNet.Numerics;

namespace JoMA.Engine.Tests.Theory;

/// <summary>Predictions against the closed form of the Linear system and the Fig. 4 oracle of SCIENCE.md §2.</summary>
public class AttentionPredictorTests
{
    static List<CorpusTokenStatistic> Query(string query, double[] drives, double[]? meanCounts = null) =>
        drives.Select((d, i) => new CorpusTokenStatistic
        {
            Query = query, Token = $"t{i}", TokenId = i, Rank = i + 1, Drive = d, MeanCount = meanCounts?[i] ?? 1,
        }).ToList();

    [Fact]
    public void Linear_preset_follows_the_closed_form_and_ranks_tokens_by_drive()
    {
        var drives = new[] { 0.2, 0.05, 0.1, 0.01 };
        var meanCounts = new[] { 0.5, 2.0, 1.0, 3.0 };
        var result = AttentionPredictor.Predict(Query("m", drives, meanCounts), new AttentionPredictionOptions { Preset = PredictionPreset.Linear, A = 2 });
        Assert.Empty(result.Skipped);
        var rows = result.Rows;
        double t = rows[0].FinalTime;
        Assert.Equal(0.999 * Math.Sqrt(Math.PI / 2) * 2 / 0.2, t, 9);   // just before the first blow-up
        // z_l = v_l²/2 with v_l(t) = √2·erfinv(√(2/π)·D_l·t/A); shares x̄ e^z / Σ x̄ e^z
        var z = drives.Select(d => { double v = Math.Sqrt(2) * SpecialFunctions.ErfInv(Math.Sqrt(2 / Math.PI) * d * t / 2); return v * v / 2; }).ToArray();
        double total = z.Select((zl, i) => meanCounts[i] * Math.Exp(zl)).Sum();
        for (int i = 0; i < drives.Length; i++)
        {
            Assert.Equal(meanCounts[i] * Math.Exp(z[i]) / total, rows[i].FinalShare, 5);
            Assert.Equal(Math.Sqrt(Math.PI / 2) * 2 / drives[i], rows[i].BlowUpTime!.Value, 9);
            Assert.Equal(meanCounts[i] / meanCounts.Sum(), rows[i].InitialShare, 12);
        }
        var byLogit = rows.OrderByDescending(r => r.ExcessLogit).Select(r => r.Token);
        Assert.Equal(new[] { "t0", "t2", "t1", "t3" }, byLogit);
        Assert.True(rows[0].ExcessLogit > 0 && rows[3].ExcessLogit < 0);
        // only the top token can double its share before the first blow-up here; it rises, the others never do
        Assert.NotNull(rows[0].RiseTime);
    }

    [Fact]
    public void Nonlinear_preset_with_equal_mean_counts_reproduces_the_fig4_entropy_minimum()
    {
        // μ = linspace(1, 4, 10) through μ_l = s·D_l / max D with s = 4: SCIENCE.md §2 gives min 0.5480 at t ≈ 12.44
        var drives = Enumerable.Range(0, 10).Select(i => (1 + 3.0 * i / 9) / 40).ToArray();
        var rows = AttentionPredictor.Predict(Query("m", drives), new AttentionPredictionOptions { Scale = 4, Temperature = 3, Samples = 4001 }).Rows;
        Assert.Equal(12.44, rows[0].EntropyMinimumTime, 1);
        Assert.Equal(0.5480, rows[0].MinimumEntropy, 3);
        Assert.All(rows, r => Assert.Equal(0.1, r.InitialShare, 12));
        Assert.Equal(4.0, rows[9].Target, 12);
        // the largest target rises first
        var rising = rows.Where(r => r.RiseTime is not null).OrderBy(r => r.RiseTime).ToList();
        Assert.Equal("t9", rising[0].Token);
    }

    [Fact]
    public void A_query_without_drive_is_skipped_with_its_reason_and_nothing_is_NaN()
    {
        var statistics = Query("flat", new[] { 0.0, 0.0 }).Concat(Query("m", new[] { 0.1, 0.0, 0.3 })).ToList();
        var result = AttentionPredictor.Predict(statistics, new AttentionPredictionOptions());
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("flat", skipped.Query);
        Assert.Contains("no context token has a positive drive", skipped.Reason);
        Assert.Equal(3, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.True(double.IsFinite(r.Share) && double.IsFinite(r.ExcessLogit) && double.IsFinite(r.FinalExcessLogit)));
    }

    [Fact]
    public void Bad_options_are_refused_by_name()
    {
        var e = Assert.Throws<JomaException>(() => AttentionPredictor.Predict(Query("m", new[] { 0.1 }), new AttentionPredictionOptions { Scale = double.NaN }));
        Assert.Equal("ScaleNotPositive", e.ErrorId);
    }
}
