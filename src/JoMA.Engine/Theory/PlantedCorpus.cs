using System.Text;

namespace JoMA.Engine.Theory;

/// <summary>Where a planted corpus puts the distinct tokens in a sequence.</summary>
public enum PlantedLayout
{
    /// <summary>Every present token in a random context slot.</summary>
    Random,
    /// <summary>Distinct tokens only in the first third of the context, far from the query, so recency cannot find them.</summary>
    Far,
}

/// <summary>One planted token and the drive it has by construction (presence-coded L2, SCIENCE.md §7).</summary>
public sealed record PlantedToken(string Query, string Token, string Kind, double Presence, double ExactDrive);

/// <summary>A planted corpus written to disk, with its known answer.</summary>
public sealed record PlantedCorpus(string Path, int TrainSequences, int ValidationSequences, int Bptt, PlantedLayout Layout, int Seed,
    IReadOnlyList<PlantedToken> Tokens);

/// <summary>
/// The unit test whose answer is known by construction (issue "theory meets practice"): 4 queries q0…q3, each
/// followed by one of 4 next tokens n0…n3 uniformly; per class (m, n) three distinct tokens present with
/// probability 0.9 / 0.6 / 0.3; per query three query-common tokens present with probability 0.8 whatever n
/// (high PMI, zero drive); four global-common tokens with probability 0.9 (high frequency, zero drive); the
/// other slots filled from 40 fillers. A sequence is bptt tokens: bptt − 2 context slots, the query, its next
/// token; one sequence per line, sequence counts rounded up to whole batch columns so every trainer window
/// holds exactly one sequence. Exact drive of a distinct token: (p/4)·√(3/4) = 0.195 / 0.130 / 0.065.
/// </summary>
public static class PlantedCorpusWriter
{
    public const int Queries = 4, NextTokens = 4, Fillers = 40;
    public static readonly double[] DistinctPresence = { 0.9, 0.6, 0.3 };
    public const double QueryCommonPresence = 0.8, GlobalCommonPresence = 0.9;
    const int QueryCommonPerQuery = 3, GlobalCommon = 4;

    public static string QueryToken(int m) => $"q{m}";
    public static string NextToken(int n) => $"n{n}";
    public static string DistinctToken(int m, int n, int j) => $"d{m}{n}{j}";
    public static string QueryCommonToken(int m, int j) => $"c{m}{j}";
    public static string GlobalCommonToken(int j) => $"g{j}";
    public static string FillerToken(int j) => $"f{j:D2}";

    /// <summary>Writes wiki.train.tokens, wiki.valid.tokens and wiki.test.tokens into <paramref name="folder"/> (each file via a temporary name).</summary>
    public static PlantedCorpus Write(string folder, int trainSequences = 20_000, int validationSequences = 2_000, int bptt = 35,
        PlantedLayout layout = PlantedLayout.Random, int seed = 1, int batchSize = 20, int evalBatchSize = 10)
    {
        if (bptt < 2 + DistinctPresence.Length + QueryCommonPerQuery + GlobalCommon)
            throw JomaException.Argument("BpttTooSmall", $"-Bptt must be at least {2 + DistinctPresence.Length + QueryCommonPerQuery + GlobalCommon} to hold a planted sequence (got {bptt}).");
        if (trainSequences < 1 || validationSequences < 1)
            throw JomaException.Argument("SequencesInvalid", "-Sequences and -ValidationSequences must be 1 or more.");
        static int RoundUp(int count, int multiple) => (count + multiple - 1) / multiple * multiple;
        trainSequences = RoundUp(trainSequences, batchSize);
        validationSequences = RoundUp(validationSequences, evalBatchSize);
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        WriteSplit(Path.Combine(folder, "wiki.train.tokens"), trainSequences, bptt, layout, random);
        WriteSplit(Path.Combine(folder, "wiki.valid.tokens"), validationSequences, bptt, layout, random);
        WriteSplit(Path.Combine(folder, "wiki.test.tokens"), validationSequences, bptt, layout, random);
        return new PlantedCorpus(Path.GetFullPath(folder), trainSequences, validationSequences, bptt, layout, seed, Truth());
    }

    /// <summary>The planted tokens of every query with their exact drives.</summary>
    public static IReadOnlyList<PlantedToken> Truth()
    {
        var rows = new List<PlantedToken>();
        double discriminancy = Math.Sqrt((NextTokens - 1.0) / NextTokens); // ‖e_n − ¼·1‖₂ = √(3/4)
        for (int m = 0; m < Queries; m++)
        {
            for (int n = 0; n < NextTokens; n++)
                for (int j = 0; j < DistinctPresence.Length; j++)
                    rows.Add(new(QueryToken(m), DistinctToken(m, n, j), "Distinct", DistinctPresence[j], DistinctPresence[j] / NextTokens * discriminancy));
            for (int j = 0; j < QueryCommonPerQuery; j++) rows.Add(new(QueryToken(m), QueryCommonToken(m, j), "QueryCommon", QueryCommonPresence, 0));
            for (int j = 0; j < GlobalCommon; j++) rows.Add(new(QueryToken(m), GlobalCommonToken(j), "GlobalCommon", GlobalCommonPresence, 0));
        }
        return rows;
    }

    static void WriteSplit(string path, int sequences, int bptt, PlantedLayout layout, Random random)
    {
        int slots = bptt - 2;
        var sequence = new string?[slots];
        var free = new List<int>(slots);
        var text = new StringBuilder();
        var temp = path + ".tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
        {
            for (int s = 0; s < sequences; s++)
            {
                Array.Clear(sequence);
                int m = random.Next(Queries), n = random.Next(NextTokens);
                void Place(string token, int below)
                {
                    // a random free slot below `below` (the far layout keeps distinct tokens in the first third)
                    free.Clear();
                    for (int i = 0; i < below; i++) if (sequence[i] is null) free.Add(i);
                    sequence[free[random.Next(free.Count)]] = token;
                }
                int distinctBelow = layout == PlantedLayout.Far ? slots / 3 : slots;
                for (int j = 0; j < DistinctPresence.Length; j++)
                    if (random.NextDouble() < DistinctPresence[j]) Place(DistinctToken(m, n, j), distinctBelow);
                for (int j = 0; j < QueryCommonPerQuery; j++)
                    if (random.NextDouble() < QueryCommonPresence) Place(QueryCommonToken(m, j), slots);
                for (int j = 0; j < GlobalCommon; j++)
                    if (random.NextDouble() < GlobalCommonPresence) Place(GlobalCommonToken(j), slots);
                text.Clear();
                for (int i = 0; i < slots; i++) text.Append(sequence[i] ?? FillerToken(random.Next(Fillers))).Append(' ');
                text.Append(QueryToken(m)).Append(' ').Append(NextToken(n));
                writer.WriteLine(text);
            }
        }
        File.Move(temp, path, overwrite: true);
    }
}
